namespace NeuralNet.Training;

/// <summary>A copy of every parameter's value, taken and restored without allocating after construction.</summary>
internal sealed class ParameterSnapshot
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _values;

    internal ParameterSnapshot(IReadOnlyList<Parameter> parameters)
    {
        _parameters = parameters;
        _values = parameters.Select(p => new float[p.Count]).ToArray();
    }

    /// <summary>The copy, one array per parameter (column-major, as <see cref="Parameter.Value"/> stores it).</summary>
    internal IReadOnlyList<float[]> Values => _values;

    internal void Take()
    {
        for (int k = 0; k < _values.Length; k++) _parameters[k].Value.AsColumnMajorArray().CopyTo(_values[k], 0);
    }

    internal void Restore()
    {
        for (int k = 0; k < _values.Length; k++) _values[k].CopyTo(_parameters[k].Value.AsColumnMajorArray(), 0);
    }

    /// <summary>Whether every current parameter value is finite.</summary>
    internal static bool AllFinite(IReadOnlyList<Parameter> parameters)
    {
        foreach (Parameter p in parameters)
        {
            float[] values = p.Value.AsColumnMajorArray();
            // A sum of finite values is finite unless it overflows; a NaN or ∞ anywhere makes it non-finite.
            if (!float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(values))
                && Array.Exists(values, v => !float.IsFinite(v))) return false;
        }
        return true;
    }
}
