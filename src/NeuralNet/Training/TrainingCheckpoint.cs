using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Optimizers;
using NeuralNet.Serialization;

namespace NeuralNet.Training;

/// <summary>
/// What a checkpoint of one run holds, and putting it back: the model file, the optimizer's state
/// (<see cref="IStatefulOptimizer"/>), each stateful layer's and callback's state (<see cref="ICheckpointable"/>), the
/// history, the loop's position and the shuffle's seed. <c>docs/checkpoint-format.md</c> lists every entry.
/// </summary>
/// <remarks>
/// Resuming checks everything before it changes anything: a damaged file is an <see cref="InvalidDataException"/>; a
/// valid checkpoint of another model is an <see cref="InvalidOperationException"/>, and of another optimizer, data,
/// callbacks or options an <see cref="ArgumentException"/>, each naming what differs. The model's weights are replaced last.
/// The shuffle is replayed: the batcher draws the permutations of every epoch already started, from the saved seed.
/// </remarks>
internal sealed class TrainingCheckpoint
{
    private readonly Mlp _model;
    private readonly IOptimizer _optimizer;
    private readonly TrainingOptions _options;
    private readonly (int Rows, int InputColumns, int TargetColumns) _data;
    private readonly (string Key, ICheckpointable Part)[] _callbacks;

    internal TrainingCheckpoint(Mlp model, IOptimizer optimizer, TrainingOptions options, Matrix<float> inputs, Matrix<float> targets,
                                IEnumerable<ITrainingCallback> callbacks)
    {
        if (optimizer is not IStatefulOptimizer)
            throw new ArgumentException(
                $"The optimizer {optimizer.GetType().Name} cannot be checkpointed: its state is unknown to the library, so a resumed run could not " +
                "continue as the uninterrupted one. The library's optimizers can.", nameof(optimizer));
        _ = new ModelWriter(model); // A model that cannot be saved fails now, not at the first checkpoint.
        _model = model;
        _optimizer = optimizer;
        _options = options;
        _data = (inputs.RowCount, inputs.ColumnCount, targets.ColumnCount);
        _callbacks = callbacks.OfType<ICheckpointable>()
            .Select((part, j) => (string.Create(CultureInfo.InvariantCulture, $"{j}:{part.GetType().Name}"), part)).ToArray();
    }

    /// <summary>Writes the state of <paramref name="context"/> to <paramref name="path"/>, atomically.</summary>
    internal void Write(string path, TrainingContext context) => AtomicFile.Write(path, stream => CheckpointFile.Write(stream, Capture(context)));

    internal StateDict Capture(TrainingContext context)
    {
        var root = new StateDict("checkpoint");
        var model = new MemoryStream();
        new ModelWriter(_model).WriteTo(model);
        root.Add("model", model.ToArray());

        StateDict optimizer = root.AddDict("optimizer");
        optimizer.Add("type", _optimizer.GetType().Name);
        ((IStatefulOptimizer)_optimizer).SaveState(_model.Parameters, optimizer);

        StateDict training = root.AddDict("training");
        training.Add("rows", _data.Rows);
        training.Add("input_columns", _data.InputColumns);
        training.Add("target_columns", _data.TargetColumns);
        training.Add("sample_weights_sha256", SampleWeightsHash(_options.SampleWeights));
        training.Add("batch_size", _options.BatchSize);
        training.Add("shuffle", _options.Shuffle);
        training.Add("seed", context.Seed);
        training.Add("epochs", context.Epochs);
        training.Add("epoch", context.Epoch);
        training.Add("in_epoch", context.InEpoch);
        training.Add("completed_batches", context.CompletedBatches);
        training.Add("loss_sum", context.LossSum);
        training.Add("weight_seen", context.WeightSeen);
        training.Add("elapsed_ticks", context.InEpoch ? context.EpochElapsed.Ticks : 0);
        training.Add("stopped", context.StopRequested);

        StateDict history = root.AddDict("history");
        foreach (EpochResult result in context.History)
        {
            StateDict entry = history.AddDict(Key(result.Epoch));
            entry.Add("training_loss", result.TrainingLoss);
            if (result.ValidationLoss is { } loss) entry.Add("validation_loss", loss);
            if (result.ValidationAccuracy is { } accuracy) entry.Add("validation_accuracy", accuracy);
            if (result.ValidationMetric is { } metric) entry.Add("validation_metric", metric);
            if (result.LearningRate is { } rate) entry.Add("lr", rate);
            entry.Add("elapsed_ticks", result.Elapsed.Ticks);
        }

        StateDict layers = root.AddDict("layers");
        for (int k = 0; k < _model.Layers.Count; k++)
            if (_model.Layers[k] is ICheckpointable layer) layer.SaveState(layers.AddDict(Key(k)));

        StateDict callbacks = root.AddDict("callbacks");
        foreach ((string key, ICheckpointable part) in _callbacks) part.SaveState(callbacks.AddDict(key));
        return root;
    }

    /// <summary>The seed of the shuffle that the checkpointed run drew its permutations from.</summary>
    internal static int SavedSeed(StateDict root) => root.GetDict("training").GetInt32("seed");

    /// <summary>Puts the checkpointed run back: checks everything, then replaces the state and replays the shuffle.</summary>
    internal void Resume(StateDict root, TrainingContext context, MiniBatcher batches)
    {
        Mlp saved = ReadModel(root.GetBytes("model"));
        RequireSameModel(saved);
        StateDict optimizer = root.GetDict("optimizer");
        string type = optimizer.GetString("type");
        if (type != _optimizer.GetType().Name)
            throw new ArgumentException(
                $"The checkpoint holds the state of a {type} optimizer, but this run's optimizer is a {_optimizer.GetType().Name}; resume with a {type} built as before.",
                "optimizer");
        StateDict training = root.GetDict("training");
        var position = ReadPosition(training, context);
        EpochResult[] history = ReadHistory(root.GetDict("history"));
        if (history.Length != position.CompletedEpochs)
            throw new InvalidDataException($"The checkpoint is invalid: it is {position.CompletedEpochs} epochs into training but its history holds {history.Length}.");
        StateDict callbacks = root.GetDict("callbacks");
        string[] savedKeys = callbacks.Entries.Select(e => e.Key).ToArray(), keys = _callbacks.Select(c => c.Key).ToArray();
        if (!savedKeys.SequenceEqual(keys))
            throw new ArgumentException(
                $"The checkpoint holds the state of the callbacks [{string.Join(", ", savedKeys)}] but this run has [{string.Join(", ", keys)}] " +
                "(the schedule, early stopping and your EarlyStopping callbacks, in order); resume with the options the checkpoint was written with.",
                "options");
        StateDict layers = root.GetDict("layers");
        int[] stateful = Enumerable.Range(0, _model.Layers.Count).Where(k => _model.Layers[k] is ICheckpointable).ToArray();
        if (!layers.Entries.Select(e => e.Key).SequenceEqual(stateful.Select(Key)))
            throw new InvalidDataException($"The checkpoint is invalid: it holds the state of layers [{string.Join(", ", layers.Entries.Select(e => e.Key))}] but the model's stateful layers are [{string.Join(", ", stateful)}].");

        ((IStatefulOptimizer)_optimizer).LoadState(_model.Parameters, optimizer);
        foreach ((string key, ICheckpointable part) in _callbacks) part.LoadState(callbacks.GetDict(key));
        foreach (int k in stateful) ((ICheckpointable)_model.Layers[k]).LoadState(layers.GetDict(Key(k)));
        CopyState(saved, _model);

        context.Restore(history, position.Stopped);
        (context.Epoch, context.InEpoch, context.CompletedBatches) = (position.Epoch, position.InEpoch, position.CompletedBatches);
        (context.LossSum, context.WeightSeen, context.ElapsedBefore) = (position.LossSum, position.WeightSeen, position.Elapsed);
        for (int e = 0; e < position.CompletedEpochs + (position.InEpoch ? 1 : 0); e++) batches.StartEpoch(_options.Shuffle);
    }

    private static string Key(int index) => index.ToString(CultureInfo.InvariantCulture);

    private static Mlp ReadModel(byte[] bytes)
    {
        try
        {
            return ModelReader.Read(new MemoryStream(bytes, writable: false), requireEnd: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The checkpoint is invalid: its model: {e.Message}", e);
        }
    }

    private void RequireSameModel(Mlp saved)
    {
        string[] before = saved.Layers.Select(Describe).ToArray(), now = _model.Layers.Select(Describe).ToArray();
        if (before.Length != now.Length)
            throw new InvalidOperationException(
                $"The checkpoint's model has {before.Length} layers [{string.Join(", ", before)}] but this model has {now.Length} [{string.Join(", ", now)}]; " +
                "resume with the model the checkpoint was written from.");
        for (int k = 0; k < now.Length; k++)
            if (before[k] != now[k])
                throw new InvalidOperationException(
                    $"The checkpoint's model differs from this one at layer {k}: {before[k]} in the checkpoint, {now[k]} here; resume with the model the checkpoint was written from.");
    }

    /// <summary>A layer's kind, config and tensor shapes: what must agree for the checkpoint's state to fit.</summary>
    private static string Describe(ILayer layer)
    {
        if (layer is not ISerializableLayer serializable || LayerRegistry.KindOf(layer) is not { } kind) return layer.ToString() ?? layer.GetType().Name;
        LayerConfig config = serializable.GetConfig();
        string tensors = string.Join(", ", serializable.State.Select(t => $"{t.Name} {t.Value.RowCount} × {t.Value.ColumnCount}"));
        return $"{kind}{(config.Count == 0 ? "" : $"({config})")}{(tensors.Length == 0 ? "" : $" [{tensors}]")}";
    }

    private static void CopyState(Mlp from, Mlp to)
    {
        for (int k = 0; k < to.Layers.Count; k++)
        {
            if (to.Layers[k] is not ISerializableLayer target) continue;
            IReadOnlyList<NamedTensor> source = ((ISerializableLayer)from.Layers[k]).State, state = target.State;
            for (int t = 0; t < state.Count; t++) source[t].Value.CopyTo(state[t].Value);
            target.OnStateLoaded();
        }
    }

    private readonly record struct Position(int Epoch, bool InEpoch, int CompletedBatches, double LossSum, double WeightSeen, TimeSpan Elapsed, bool Stopped)
    {
        internal int CompletedEpochs => InEpoch ? Epoch - 1 : Epoch;
    }

    private Position ReadPosition(StateDict training, TrainingContext context)
    {
        var data = (Rows: training.GetInt32("rows", 1), InputColumns: training.GetInt32("input_columns", 1), TargetColumns: training.GetInt32("target_columns", 1));
        if (data != _data)
            throw new ArgumentException(
                $"The checkpoint was written training on {data.Rows} rows of {data.InputColumns} inputs and {data.TargetColumns} targets, but these are " +
                $"{_data.Rows} rows of {_data.InputColumns} inputs and {_data.TargetColumns} targets; resume on the same data.", "inputs");
        if (!training.GetBytes("sample_weights_sha256").AsSpan().SequenceEqual(SampleWeightsHash(_options.SampleWeights)))
            throw new ArgumentException(
                $"The checkpoint was written with other {nameof(TrainingOptions.SampleWeights)} than these; resume with the same weights (or none, if none were given).",
                nameof(TrainingOptions.SampleWeights));
        training.RequireSame("batch_size", _options.BatchSize, "run", nameof(TrainingOptions.BatchSize));
        training.RequireSame("shuffle", _options.Shuffle ? 1 : 0, "run", nameof(TrainingOptions.Shuffle));
        if (_options.Seed is { } seed) training.RequireSame("seed", seed, "run", nameof(TrainingOptions.Seed));
        int epoch = training.GetInt32("epoch", 0);
        bool inEpoch = training.GetBoolean("in_epoch");
        if (inEpoch && epoch == 0) throw new InvalidDataException("The checkpoint is invalid: it is inside epoch 0.");
        var position = new Position(epoch, inEpoch,
            training.GetInt32("completed_batches", 0, inEpoch ? context.BatchCount - 1 : 0),
            training.GetDouble("loss_sum"), WeightSeen(training.GetDouble("weight_seen")),
            TimeSpan.FromTicks(Math.Max(0, training.GetInt64("elapsed_ticks"))), training.GetBoolean("stopped"));
        if (epoch > _options.Epochs)
            throw new ArgumentException(
                $"The checkpoint is {position.CompletedEpochs} epochs into training, past {nameof(TrainingOptions.Epochs)} = {_options.Epochs}; " +
                "resume with at least as many epochs.", nameof(TrainingOptions.Epochs));
        return position;
    }

    /// <summary>The SHA-256 of the weights' bytes, or no bytes without weights: enough to tell the run's weights from others.</summary>
    private static byte[] SampleWeightsHash(IReadOnlyList<float>? weights)
    {
        if (weights is null) return [];
        var bytes = new byte[weights.Count * sizeof(float)];
        for (int i = 0; i < weights.Count; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), weights[i]);
        return SHA256.HashData(bytes);
    }

    /// <summary>The weight of the rows an epoch has seen so far: at least 0 and finite.</summary>
    private static double WeightSeen(double value) =>
        value >= 0 && double.IsFinite(value) ? value : throw new InvalidDataException($"The checkpoint is invalid: its epoch has seen a weight of {value} rows.");

    private static EpochResult[] ReadHistory(StateDict history)
    {
        var results = new EpochResult[history.Entries.Count];
        for (int e = 0; e < results.Length; e++)
        {
            StateDict entry = history.GetDict(Key(e + 1));
            float? Optional(string key) => entry.Contains(key) ? entry.GetSingle(key) : null;
            results[e] = new EpochResult(e + 1, entry.GetSingle("training_loss"), Optional("validation_loss"), Optional("validation_accuracy"),
                TimeSpan.FromTicks(Math.Max(0, entry.GetInt64("elapsed_ticks"))))
            {
                LearningRate = Optional("lr"),
                ValidationMetric = Optional("validation_metric"),
            };
        }
        return results;
    }
}
