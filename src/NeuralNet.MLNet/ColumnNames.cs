namespace NeuralNet.MLNet;

/// <summary>The names of the columns an <see cref="MlpTransformer"/> adds: ML.NET's standard ones, which its evaluators and every other trainer use.</summary>
public static class ColumnNames
{
    /// <summary>"Score": the class probabilities (multiclass), the logit (binary) or the prediction (regression).</summary>
    public const string Score = "Score";

    /// <summary>"Probability": σ(Score), binary classification only.</summary>
    public const string Probability = "Probability";

    /// <summary>"PredictedLabel": the most probable class (a key, multiclass) or Score &gt; 0 (a <see cref="bool"/>, binary).</summary>
    public const string PredictedLabel = "PredictedLabel";
}
