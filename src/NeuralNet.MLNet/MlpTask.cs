namespace NeuralNet.MLNet;

/// <summary>What an <see cref="MlpTrainer"/> learns, which fixes its output layer, its loss and the columns it adds.</summary>
public enum MlpTask
{
    /// <summary>
    /// K classes: a softmax output trained with cross-entropy. The label is a key column (<c>MapValueToKey</c>); adds
    /// <c>Score</c> (the K class probabilities, a vector of <see cref="float"/>) and <c>PredictedLabel</c> (the most probable
    /// class, a key of the label's type, with its key values).
    /// </summary>
    MulticlassClassification = 0,

    /// <summary>
    /// Two classes: one sigmoid output trained with binary cross-entropy. The label is a <see cref="bool"/> column; adds
    /// <c>Score</c> (the logit, the margin before the sigmoid), <c>Probability</c> (σ(Score)) and <c>PredictedLabel</c> (Score &gt; 0).
    /// </summary>
    BinaryClassification,

    /// <summary>
    /// One real value: a linear output trained with mean squared error on the standardised label. The label is a
    /// <see cref="float"/> column; adds <c>Score</c>, on the label's own scale.
    /// </summary>
    Regression,
}
