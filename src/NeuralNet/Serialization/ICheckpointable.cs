namespace NeuralNet.Serialization;

/// <summary>
/// A part of training with state of its own that a checkpoint holds (besides the model file's parameters and buffers
/// and the optimizer's <see cref="Optimizers.IStatefulOptimizer"/> state): a layer's random generator, early stopping's
/// best loss and weights, a learning-rate schedule's position. PyTorch's <c>state_dict()</c> / <c>load_state_dict()</c>.
/// </summary>
/// <remarks>
/// A layer that implements it is found by its index in the model; a training callback (<see cref="Training.ITrainingCallback"/>)
/// by its position and type among the run's callbacks, so the resumed run must be given the same ones.
/// </remarks>
internal interface ICheckpointable
{
    /// <summary>Writes everything needed to continue exactly from here.</summary>
    void SaveState(StateDict state);

    /// <summary>Replaces the state with what <see cref="SaveState"/> wrote.</summary>
    /// <exception cref="InvalidDataException">An entry is missing, mistyped or out of range.</exception>
    /// <exception cref="ArgumentException">The entries are valid but belong to a differently configured part.</exception>
    void LoadState(StateDict state);
}
