using MathNet.Numerics.LinearAlgebra;

namespace NeuralNet.Layers;

/// <summary>
/// One tensor of a layer's state, as in PyTorch's <c>state_dict</c>: a parameter's value or a buffer (such as
/// BatchNorm's running mean), by name. <see cref="Value"/> is the layer's own matrix, not a copy: loading a model
/// copies the saved values into it.
/// </summary>
/// <param name="Name">The tensor's name within its layer, such as <c>weights</c> or <c>running_mean</c>.</param>
/// <param name="Value">The layer's matrix.</param>
public readonly record struct NamedTensor(string Name, Matrix<float> Value);
