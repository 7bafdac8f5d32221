using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralNet.Training;

namespace NeuralNet.MLNet;

/// <summary>
/// A trained MLP in an ML.NET pipeline: adds the task's standard columns (<see cref="MlpTask"/>) to any data with the
/// feature column, so that <c>Evaluate</c>, <see cref="PredictionEngine{TSrc, TDst}"/>, <c>MapKeyToValue</c> and the rest of
/// a pipeline work as with ML.NET's own trainers. Scoring is thread-safe, and lazy: a row is scored when an added column is read.
/// </summary>
/// <remarks>
/// <para>
/// ML.NET's model file (<c>mlContext.Model.Save</c>) cannot hold it: ML.NET 5 keeps internal the means by which a transformer
/// from outside its own assemblies writes itself there and is found again on loading, so saving a pipeline that contains
/// one throws a <see cref="NotSupportedException"/> that says so. Save it with <see cref="Save(string)"/> and load it with
/// <see cref="Load(string)"/> instead, and the parts of the pipeline before and after it with <c>mlContext.Model.Save</c>.
/// </para>
/// <para><see cref="Model"/> is the trained network itself: save it in NeuralNet's format or export it to ONNX.</para>
/// </remarks>
public sealed class MlpTransformer : ITransformer
{
    internal MlpTransformer(MlpTask task, Mlp model, string featureColumnName, int featureCount, int classes, ClassNames? classNames,
                            TrainingHistory? history)
    {
        Task = task;
        Model = model;
        FeatureColumnName = featureColumnName;
        FeatureCount = featureCount;
        Classes = classes;
        ClassNames = classNames;
        History = history;
        Scorer = Scorer.For(task, model, classes, classNames);
    }

    /// <summary>What the network predicts, which fixes the columns it adds.</summary>
    public MlpTask Task { get; }

    /// <summary>
    /// The trained network: multiclass, its output is <c>Score</c> (the softmax probabilities); binary, σ(<c>Score</c>) (it ends
    /// with the sigmoid, whose input is <c>Score</c>); regression, <c>Score</c>. Save it with <see cref="Mlp.Save(string)"/> or
    /// export it with <c>NeuralNet.Onnx</c>. Training it further changes this transformer's predictions too.
    /// </summary>
    public Mlp Model { get; }

    /// <summary>The feature column it reads: a vector of <see cref="FeatureCount"/> values of <see cref="float"/>.</summary>
    public string FeatureColumnName { get; }

    /// <summary>The number of features per row.</summary>
    public int FeatureCount { get; }

    /// <summary>Multiclass: the number of classes K (the label's key count), the length of <c>Score</c>; otherwise 0.</summary>
    public int Classes { get; }

    /// <summary>The epochs of the training that made it; null for a transformer that was loaded.</summary>
    public TrainingHistory? History { get; }

    internal ClassNames? ClassNames { get; }

    internal Scorer Scorer { get; }

    /// <summary>True: the transformer maps each row on its own, so <see cref="PredictionEngine{TSrc, TDst}"/> can run it.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The input schema with the added columns (which hide input columns of the same names).</summary>
    /// <exception cref="ArgumentException">The feature column is missing, not a vector of Single, or of another size than trained on.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new ScoringMap(this, inputSchema).OutputSchema;

    /// <summary>The row mapper that <see cref="PredictionEngine{TSrc, TDst}"/> and transformer chains use.</summary>
    /// <exception cref="ArgumentException">The feature column is missing, not a vector of Single, or of another size than trained on.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new ScoringMap(this, inputSchema);

    /// <summary>The input data with the added columns; rows are scored as they are read.</summary>
    /// <exception cref="ArgumentException">The feature column is missing, not a vector of Single, or of another size than trained on.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredData(new ScoringMap(this, input.Schema), input);
    }

    /// <summary>Writes the transformer (the network in NeuralNet's model format, the columns and the class names) to a stream.</summary>
    public void Save(Stream stream) => TransformerFile.Write(this, stream);

    /// <summary>
    /// Writes the transformer to a file, through a temporary file renamed over the target, so that a failed save never
    /// destroys an existing file.
    /// </summary>
    public void Save(string path) => TransformerFile.Write(this, path);

    /// <summary>Reads a transformer written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is truncated, corrupted or not such a file.</exception>
    public static MlpTransformer Load(Stream stream) => TransformerFile.Read(stream);

    /// <summary>Reads a transformer written by <see cref="Save(string)"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is truncated, corrupted or not such a file.</exception>
    public static MlpTransformer Load(string path) => TransformerFile.Read(path);

    /// <summary>Always throws: see the remarks of <see cref="MlpTransformer"/>.</summary>
    /// <exception cref="NotSupportedException">Always, with what to do instead.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(SaveInModelFileMessage);

    internal const string SaveInModelFileMessage =
        "An MlpTransformer (NeuralNet.MLNet) cannot be written into an ML.NET model file: ML.NET 5 keeps internal the means " +
        "by which a transformer from outside its own assemblies saves itself there and is found again on loading. Save the " +
        "trained MLP with MlpTransformer.Save(path) and load it with MlpTransformer.Load(path); save the transformers before " +
        "it (and those after it) with mlContext.Model.Save as separate models, and rebuild the chain with " +
        "new TransformerChain<ITransformer>(before, mlp, after).";
}
