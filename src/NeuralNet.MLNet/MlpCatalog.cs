using System.Diagnostics.CodeAnalysis;
using Microsoft.ML;

namespace NeuralNet.MLNet;

/// <summary>
/// The MLP trainers on ML.NET's catalogs, beside <c>LightGbm</c>, <c>SdcaMaximumEntropy</c> and the others: the label and
/// feature column names first, as in every ML.NET trainer, or an <see cref="MlpTrainerOptions"/> for everything.
/// </summary>
/// <example>
/// <code>
/// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
///     .Append(mlContext.Transforms.NormalizeMeanVariance("Features"))
///     .Append(mlContext.MulticlassClassification.Trainers.Mlp())
///     .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
/// var model = pipeline.Fit(train);
/// var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(test));
/// </code>
/// </example>
public static class MlpCatalog
{
    /// <summary>An MLP multiclass classifier: softmax output, cross-entropy; adds <c>Score</c> (class probabilities) and <c>PredictedLabel</c> (a key).</summary>
    /// <param name="catalog">The multiclass trainers' catalog.</param>
    /// <param name="labelColumnName">The label: a key (MapValueToKey) of at least 2 values.</param>
    /// <param name="featureColumnName">The features: a vector of <see cref="float"/> of known size.</param>
    /// <param name="hiddenLayers">The hidden layers' widths; null for one of 100 units.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="learningRate">Adam's η.</param>
    /// <param name="seed">The seed of the weights and the shuffling (the <see cref="MLContext"/>'s is not reachable; see <see cref="MlpTrainerOptions.Seed"/>).</param>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "ML.NET's trainer shape: column names first with defaults, beside an options overload.")]
    public static MlpTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
                                 string labelColumnName = "Label", string featureColumnName = "Features",
                                 int[]? hiddenLayers = null, int epochs = 100, float learningRate = 1e-3f, int seed = 0)
        => catalog.Mlp(Simple(labelColumnName, featureColumnName, hiddenLayers, epochs, learningRate, seed));

    /// <summary>An MLP multiclass classifier configured by <paramref name="options"/>.</summary>
    public static MlpTrainer Mlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, MlpTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpTrainer(MlpTask.MulticlassClassification, options);
    }

    /// <summary>An MLP binary classifier: one sigmoid output, binary cross-entropy; adds <c>Score</c> (the logit), <c>Probability</c> and <c>PredictedLabel</c>.</summary>
    /// <param name="catalog">The binary trainers' catalog.</param>
    /// <param name="labelColumnName">The label: a <see cref="bool"/>.</param>
    /// <param name="featureColumnName">The features: a vector of <see cref="float"/> of known size.</param>
    /// <param name="hiddenLayers">The hidden layers' widths; null for one of 100 units.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="learningRate">Adam's η.</param>
    /// <param name="seed">The seed of the weights and the shuffling (see <see cref="MlpTrainerOptions.Seed"/>).</param>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "ML.NET's trainer shape: column names first with defaults, beside an options overload.")]
    public static MlpTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
                                 string labelColumnName = "Label", string featureColumnName = "Features",
                                 int[]? hiddenLayers = null, int epochs = 100, float learningRate = 1e-3f, int seed = 0)
        => catalog.Mlp(Simple(labelColumnName, featureColumnName, hiddenLayers, epochs, learningRate, seed));

    /// <summary>An MLP binary classifier configured by <paramref name="options"/>.</summary>
    public static MlpTrainer Mlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, MlpTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpTrainer(MlpTask.BinaryClassification, options);
    }

    /// <summary>An MLP regressor: a linear output trained with mean squared error on the standardised label; adds <c>Score</c>.</summary>
    /// <param name="catalog">The regression trainers' catalog.</param>
    /// <param name="labelColumnName">The label: a <see cref="float"/>.</param>
    /// <param name="featureColumnName">The features: a vector of <see cref="float"/> of known size.</param>
    /// <param name="hiddenLayers">The hidden layers' widths; null for one of 100 units.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="learningRate">Adam's η.</param>
    /// <param name="seed">The seed of the weights and the shuffling (see <see cref="MlpTrainerOptions.Seed"/>).</param>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "ML.NET's trainer shape: column names first with defaults, beside an options overload.")]
    public static MlpTrainer Mlp(this RegressionCatalog.RegressionTrainers catalog,
                                 string labelColumnName = "Label", string featureColumnName = "Features",
                                 int[]? hiddenLayers = null, int epochs = 100, float learningRate = 1e-3f, int seed = 0)
        => catalog.Mlp(Simple(labelColumnName, featureColumnName, hiddenLayers, epochs, learningRate, seed));

    /// <summary>An MLP regressor configured by <paramref name="options"/>.</summary>
    public static MlpTrainer Mlp(this RegressionCatalog.RegressionTrainers catalog, MlpTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MlpTrainer(MlpTask.Regression, options);
    }

    private static MlpTrainerOptions Simple(string labelColumnName, string featureColumnName, int[]? hiddenLayers, int epochs,
                                            float learningRate, int seed) => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        HiddenLayers = hiddenLayers ?? [100],
        Epochs = epochs,
        LearningRate = learningRate,
        Seed = seed,
    };
}
