using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Training;

namespace NeuralNet.Data;

/// <summary>A classification data set: inputs (one sample per row) and an integer class label per sample.</summary>
public sealed class LabeledData
{
    /// <summary>Pairs inputs with labels.</summary>
    /// <param name="inputs">N × features.</param>
    /// <param name="labels">N labels in 0 … <paramref name="classes"/> − 1.</param>
    /// <param name="classes">The number of classes.</param>
    /// <exception cref="ArgumentException">Counts differ or a label is out of range.</exception>
    public LabeledData(Matrix<float> inputs, int[] labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (labels.Length != inputs.RowCount)
            throw new ArgumentException($"There are {labels.Length} labels for {inputs.RowCount} input rows.", nameof(labels));
        int bad = Array.FindIndex(labels, l => (uint)l >= (uint)classes);
        if (bad >= 0)
            throw new ArgumentException($"Label {bad} is {labels[bad]}; labels must lie in 0 … {classes - 1}.", nameof(labels));
        Inputs = inputs;
        Labels = labels;
        Classes = classes;
    }

    /// <summary>N × features.</summary>
    public Matrix<float> Inputs { get; }

    /// <summary>One label per row of <see cref="Inputs"/>.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Inputs.RowCount;

    /// <summary>The labels as one-hot targets (N × <see cref="Classes"/>).</summary>
    public Matrix<float> OneHotTargets() => Metrics.OneHot(Labels, Classes);

    /// <summary>Splits into a training and a test part after a seeded shuffle.</summary>
    /// <param name="testFraction">The share of samples in the test part, in (0, 1).</param>
    /// <param name="seed">Seed of the shuffle; the same seed gives the same split.</param>
    /// <exception cref="ArgumentOutOfRangeException">The fraction leaves a part empty.</exception>
    public (LabeledData Train, LabeledData Test) Split(double testFraction, int seed)
    {
        int test = (int)Math.Round(Count * testFraction);
        if (!(testFraction > 0 && testFraction < 1) || test == 0 || test == Count)
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction,
                $"The test fraction must lie in (0, 1) and leave both parts non-empty for {Count} samples, but was {testFraction}.");
        int[] order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        return (Take(order[test..]), Take(order[..test]));
    }

    /// <summary>The samples at the given row indices, in that order.</summary>
    public LabeledData Take(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var inputs = Matrix<float>.Build.Dense(rows.Count, Inputs.ColumnCount, (i, j) => Inputs[rows[i], j]);
        return new LabeledData(inputs, rows.Select(r => Labels[r]).ToArray(), Classes);
    }
}
