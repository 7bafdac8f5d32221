using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralNet.Layers;
using NeuralNet.Training;

namespace NeuralNet.MLNet;

/// <summary>
/// The ML.NET estimator that trains an MLP (NeuralNet's <see cref="Mlp.Fit"/>) on a pipeline's feature and label columns.
/// Made by the catalogs' <c>Mlp(...)</c> extensions (<see cref="MlpCatalog"/>); <see cref="Fit"/> gives an <see cref="MlpTransformer"/>.
/// </summary>
/// <remarks>
/// Training reads every row into memory once (N × features floats), then trains with the options' optimizer, epochs and
/// batches; with <see cref="MlpTrainerOptions.ValidationFraction"/> it holds rows out for the validation loss and early
/// stopping. For regression the label is standardised for training (z = (y − mean)/standard deviation) and the last layer's
/// weights and bias are then rescaled, so that the network, and <c>Score</c>, predict on the label's own scale.
/// </remarks>
public sealed class MlpTrainer : IEstimator<MlpTransformer>
{
    internal MlpTrainer(MlpTask task, MlpTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(task)) throw new ArgumentOutOfRangeException(nameof(task), task, $"Unknown {nameof(MlpTask)} {task}.");
        Validate(options);
        Task = task;
        Options = options;
    }

    /// <summary>What it learns.</summary>
    public MlpTask Task { get; }

    /// <summary>How it builds and trains the network.</summary>
    public MlpTrainerOptions Options { get; }

    /// <summary>
    /// The output of the fitted transformer: the input columns and the task's own (<see cref="MlpTask"/>). Checks that the
    /// feature and label columns exist with the types the task needs.
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnRules.RequireFeatures(inputSchema, Options.FeatureColumnName);
        ColumnRules.RequireLabel(inputSchema, Options.LabelColumnName, Task);
        return OutputShape.Of(inputSchema, Task, Options.LabelColumnName);
    }

    /// <summary>Trains the network on every row of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">
    /// A column is missing or of the wrong type, there are no rows, a feature is NaN or ∞, or a label is missing or out of
    /// range; the message names the column (and the row).
    /// </exception>
    /// <exception cref="OperationCanceledException"><see cref="MlpTrainerOptions.CancellationToken"/> was cancelled.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or ∞ (a learning rate too large, usually).</exception>
    public MlpTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        MlpTrainerOptions o = Options;
        int featureCount = ColumnRules.RequireFeatures(input.Schema, o.FeatureColumnName);
        DataViewSchema.Column label = ColumnRules.RequireLabel(input.Schema, o.LabelColumnName, Task);
        bool multiclass = Task == MlpTask.MulticlassClassification;
        int classes = multiclass ? checked((int)((KeyDataViewType)label.Type).Count) : 0;
        ClassNames? names = multiclass ? ClassNames.Of(label) : null;
        TrainingSet data = TrainingSet.Read(input, input.Schema[o.FeatureColumnName], featureCount, label, Task, classes);

        var random = new Random(o.Seed);
        Mlp model = Network.Build(Task, featureCount, classes, o, random);
        (Matrix<float> x, Matrix<float> y, Matrix<float>? validX, Matrix<float>? validY) = Split(data, o.ValidationFraction, random);
        (double mean, double scale) = Task == MlpTask.Regression ? Standardize(y, validY) : (0.0, 1.0);

        var training = new TrainingOptions
        {
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            Seed = random.Next(),
            ValidationInputs = validX,
            ValidationTargets = validY,
            EarlyStoppingPatience = o.EarlyStoppingPatience,
            Callbacks = o.Callbacks,
        };
        TrainingHistory history = model.Fit(x, y, Network.Loss(Task), Network.Optimizer(o), training, o.Progress, o.CancellationToken);
        if (Task == MlpTask.Regression) Unstandardize((Dense)model.Layers[^1], mean, scale);
        return new MlpTransformer(Task, model, o.FeatureColumnName, featureCount, classes, names, history);
    }

    /// <summary>Holds out ⌈fraction · N⌉ rows, chosen by a seeded shuffle, keeping the rest in their order.</summary>
    private static (Matrix<float>, Matrix<float>, Matrix<float>?, Matrix<float>?) Split(TrainingSet data, float fraction, Random random)
    {
        if (fraction == 0f) return (data.Features, data.Targets, null, null);
        int n = data.Rows, held = (int)Math.Ceiling(fraction * n);
        if (held >= n)
            throw new ArgumentException(
                $"{nameof(MlpTrainerOptions.ValidationFraction)} {fraction} of {n} rows holds out {held}, leaving none to train on; use a smaller fraction or more rows.", "input");
        int[] order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        int[] validation = order[..held], train = order[held..];
        Array.Sort(validation);
        Array.Sort(train);
        return (Rows(data.Features, train), Rows(data.Targets, train), Rows(data.Features, validation), Rows(data.Targets, validation));

        static Matrix<float> Rows(Matrix<float> m, int[] rows) => Matrix<float>.Build.Dense(rows.Length, m.ColumnCount, (i, j) => m[rows[i], j]);
    }

    /// <summary>Standardises the training (and validation) targets in place by the training targets' mean and standard deviation.</summary>
    private static (double Mean, double Scale) Standardize(Matrix<float> targets, Matrix<float>? validation)
    {
        float[] y = targets.AsColumnMajorArray();
        double mean = y.Average(v => (double)v);
        double sd = Math.Sqrt(y.Average(v => (v - mean) * (v - mean)));
        double scale = sd > 0 && double.IsFinite(sd) ? sd : 1.0; // A constant label trains on y − mean alone.
        foreach (float[] values in new[] { y, validation?.AsColumnMajorArray() ?? [] })
            for (int i = 0; i < values.Length; i++) values[i] = (float)((values[i] - mean) / scale);
        return (mean, scale);
    }

    /// <summary>Folds y = scale · z + mean into the last layer: W ← scale · W, b ← scale · b + mean.</summary>
    private static void Unstandardize(Dense last, double mean, double scale)
    {
        float[] w = last.Weights.Value.AsColumnMajorArray(), b = last.Bias.Value.AsColumnMajorArray();
        for (int k = 0; k < w.Length; k++) w[k] = (float)(scale * w[k]);
        for (int k = 0; k < b.Length; k++) b[k] = (float)(scale * b[k] + mean);
    }

    /// <summary>Rejects options that could not train, naming the option, before any data is read.</summary>
    private static void Validate(MlpTrainerOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.LabelColumnName)) throw new ArgumentException($"{nameof(o.LabelColumnName)} is empty.", nameof(Options));
        if (string.IsNullOrWhiteSpace(o.FeatureColumnName)) throw new ArgumentException($"{nameof(o.FeatureColumnName)} is empty.", nameof(Options));
        if (o.HiddenLayers is null) throw new ArgumentException($"{nameof(o.HiddenLayers)} is null; give [] for no hidden layer.", nameof(Options));
        for (int k = 0; k < o.HiddenLayers.Count; k++)
            if (o.HiddenLayers[k] < 1)
                throw new ArgumentException($"{nameof(o.HiddenLayers)}[{k}] is {o.HiddenLayers[k]}; a hidden layer needs at least 1 unit.", nameof(Options));
        if (!Enum.IsDefined(o.Activation)) throw new ArgumentException($"{nameof(o.Activation)} {o.Activation} is not an {nameof(MlpActivation)}.", nameof(Options));
        if (o.Epochs < 1) throw new ArgumentException($"{nameof(o.Epochs)} must be at least 1, but was {o.Epochs}.", nameof(Options));
        if (o.BatchSize < 1) throw new ArgumentException($"{nameof(o.BatchSize)} must be at least 1, but was {o.BatchSize}.", nameof(Options));
        if (!(o.Dropout >= 0f && o.Dropout < 1f)) throw new ArgumentException($"{nameof(o.Dropout)} must be in [0, 1), but was {o.Dropout}.", nameof(Options));
        if (!(o.ValidationFraction >= 0f && o.ValidationFraction < 1f))
            throw new ArgumentException($"{nameof(o.ValidationFraction)} must be in [0, 1), but was {o.ValidationFraction}.", nameof(Options));
        if (o.EarlyStoppingPatience is { } patience && (patience < 1 || o.ValidationFraction == 0f))
            throw new ArgumentException(
                $"{nameof(o.EarlyStoppingPatience)} is {patience}; it must be at least 1 and needs {nameof(o.ValidationFraction)} > 0 (it is {o.ValidationFraction}) to watch a validation loss.", nameof(Options));
        if (o.Callbacks is null) throw new ArgumentException($"{nameof(o.Callbacks)} is null; leave it unset for none.", nameof(Options));
        _ = Network.Optimizer(o); // Its constructor checks the learning rate, momentum and weight decay.
    }
}
