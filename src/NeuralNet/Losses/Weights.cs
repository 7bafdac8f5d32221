using System.Globalization;

namespace NeuralNet.Losses;

/// <summary>The checks every list of weights gets (class, positive and sample weights), naming the list and the culprit.</summary>
internal static class Weights
{
    /// <summary>Every weight finite and at least 0; with <paramref name="someNonZero"/>, not all 0 (they divide a sum).</summary>
    internal static void Require(ReadOnlySpan<float> weights, string name, bool someNonZero)
    {
        bool anyPositive = false;
        for (int k = 0; k < weights.Length; k++)
        {
            if (!(weights[k] >= 0f) || !float.IsFinite(weights[k]))
                throw new ArgumentException($"{name}[{k}] is {weights[k]}; every weight must be finite and at least 0.", name);
            anyPositive |= weights[k] > 0f;
        }
        if (someNonZero && !anyPositive)
            throw new ArgumentException($"All {weights.Length} of {name} are 0; at least one must be positive.", name);
    }

    /// <summary>A checked private copy, so that the caller's list changing later cannot change the loss; null stays null.</summary>
    internal static float[]? Copy(IReadOnlyList<float>? weights, string name, bool someNonZero)
    {
        if (weights is null) return null;
        if (weights.Count == 0) throw new ArgumentException($"{name} is empty; give one weight per column, or null for none.", name);
        float[] copy = [.. weights];
        Require(copy, name, someNonZero);
        return copy;
    }

    /// <summary>The weights as ToString shows them, in the invariant culture: "1, 0.5, 2".</summary>
    internal static string Describe(float[] weights) =>
        string.Join(", ", weights.Select(w => w.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Rejects a list whose length is not the matrix's column count, naming both.</summary>
    internal static void RequireWidth(float[] weights, int columns, string name)
    {
        if (weights.Length != columns)
            throw new ArgumentException($"{name} has {weights.Length} weights but the target has {columns} columns; it needs one per column.", name);
    }
}
