using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Serialization;

namespace NeuralNet.Tests.Optimizers;

/// <summary>
/// <see cref="Lbfgs"/>'s checkpoint state through the checkpoint file's bytes: a resumed optimizer continues as the
/// uninterrupted one, bit for bit; a checkpoint of other settings or of other parameters is refused.
/// (<c>CheckpointResumeTests</c> does the same through <see cref="Mlp.Fit"/>.)
/// </summary>
public class LbfgsStateTests
{
    private static readonly Matrix<float> X = TestData.Uniform(24, 3, seed: 5);
    private static readonly Matrix<float> Y = TestData.Uniform(24, 2, seed: 6);

    private static Mlp Model() => new(new Dense(3, 5, seed: 1), new Tanh(), new Dense(5, 2, seed: 2));

    private static float[] Values(Mlp model) => [.. model.Parameters.SelectMany(p => p.Value.AsColumnMajorArray())];

    /// <summary>The optimizer's state written to a checkpoint file's bytes and read back.</summary>
    private static StateDict RoundTrip(Lbfgs lbfgs, Mlp model)
    {
        var root = new StateDict("checkpoint");
        ((IStatefulOptimizer)lbfgs).SaveState(model.Parameters, root.AddDict("optimizer"));
        var bytes = new MemoryStream();
        CheckpointFile.Write(bytes, root);
        return CheckpointFile.Read(bytes.ToArray()).GetDict("optimizer");
    }

    public static TheoryData<string, int> Runs => new()
    {
        // History 3 with 4 iterations a step: the ring has wrapped by the checkpoint.
        { "none", 3 }, { "wolfe-decay", 3 }, { "none", 0 }, { "wolfe-decay", 1 },
    };

    private static Lbfgs Create(string name, float learningRate = 0.5f) => name == "none"
        ? new Lbfgs(learningRate, maxIterations: 4, historySize: 3)
        : new Lbfgs(learningRate, maxIterations: 4, historySize: 3, lineSearch: LbfgsLineSearch.StrongWolfe, weightDecay: 0.01f);

    [Theory]
    [MemberData(nameof(Runs))]
    public void A_resumed_optimizer_continues_bit_identically(string name, int stepsBeforeCheckpoint)
    {
        const int Steps = 6;
        var loss = new MeanSquaredErrorLoss();
        Mlp uninterrupted = Model();
        Lbfgs whole = Create(name);
        var losses = new List<float>();
        for (int s = 0; s < Steps; s++) losses.Add(whole.Step(uninterrupted.Parameters, () => uninterrupted.ComputeGradients(X, Y, loss)));

        Mlp model = Model();
        Lbfgs first = Create(name);
        for (int s = 0; s < stepsBeforeCheckpoint; s++) first.Step(model.Parameters, () => model.ComputeGradients(X, Y, loss));
        StateDict state = RoundTrip(first, model);
        Lbfgs resumed = Create(name, learningRate: 0.25f);    // the checkpoint's rate wins, as a schedule's would
        ((IStatefulOptimizer)resumed).LoadState(model.Parameters, state);
        resumed.LearningRate.Should().Be(0.5f);
        (resumed.FunctionEvaluations, resumed.Iterations, resumed.HistoryCount).Should().Be((first.FunctionEvaluations, first.Iterations, first.HistoryCount));
        var resumedLosses = new List<float>();
        for (int s = stepsBeforeCheckpoint; s < Steps; s++) resumedLosses.Add(resumed.Step(model.Parameters, () => model.ComputeGradients(X, Y, loss)));

        Values(model).Should().Equal(Values(uninterrupted), "the resumed run's every bit is the uninterrupted run's");
        resumedLosses.Should().Equal(losses.Skip(stepsBeforeCheckpoint));
        (resumed.FunctionEvaluations, resumed.Iterations, resumed.HistoryCount).Should().Be((whole.FunctionEvaluations, whole.Iterations, whole.HistoryCount));
        Values(uninterrupted).Should().NotEqual(Values(Model()), "it trained");
    }

    public static TheoryData<Func<Lbfgs>, string> OtherSettings => new()
    {
        { () => new Lbfgs(maxIterations: 5, historySize: 3), "max_iter" },
        { () => new Lbfgs(maxIterations: 4, maxEvaluations: 6, historySize: 3), "max_eval" },
        { () => new Lbfgs(maxIterations: 4, toleranceGrad: 1e-6, historySize: 3), "tolerance_grad" },
        { () => new Lbfgs(maxIterations: 4, toleranceChange: 1e-8, historySize: 3), "tolerance_change" },
        { () => new Lbfgs(maxIterations: 4, historySize: 4), "history_size" },
        { () => new Lbfgs(maxIterations: 4, historySize: 3, lineSearch: LbfgsLineSearch.StrongWolfe), "line_search_fn" },
        { () => new Lbfgs(maxIterations: 4, historySize: 3, weightDecay: 0.01f), "weight_decay" },
    };

    [Theory]
    [MemberData(nameof(OtherSettings))]
    public void A_checkpoint_of_other_settings_is_refused_naming_the_setting(Func<Lbfgs> other, string key)
    {
        Mlp model = Model();
        var lbfgs = new Lbfgs(maxIterations: 4, historySize: 3);
        lbfgs.Step(model.Parameters, () => model.ComputeGradients(X, Y, new MeanSquaredErrorLoss()));
        StateDict state = RoundTrip(lbfgs, model);
        FluentActions.Invoking(() => ((IStatefulOptimizer)other()).LoadState(model.Parameters, state))
            .Should().Throw<ArgumentException>().WithParameterName("optimizer").WithMessage($"The checkpoint's Lbfgs has {key} = * but this one has {key} = *");
    }

    [Fact]
    public void A_checkpoint_with_a_learning_rate_of_0_is_refused()
    {
        Mlp model = Model();
        var lbfgs = new Lbfgs(maxIterations: 4, historySize: 3);
        lbfgs.Step(model.Parameters, () => model.ComputeGradients(X, Y, new MeanSquaredErrorLoss()));
        StateDict saved = RoundTrip(lbfgs, model), state = new(saved.Path);
        foreach (var (key, value) in saved.Entries) state.AddRead(key, key == "lr" ? 0.0 : value);
        FluentActions.Invoking(() => ((IStatefulOptimizer)new Lbfgs(maxIterations: 4, historySize: 3)).LoadState(model.Parameters, state))
            .Should().Throw<InvalidDataException>().WithMessage("*lr*");
    }

    [Fact]
    public void The_state_holds_what_torchs_does_the_history_as_many_pairs_as_are_kept()
    {
        Mlp model = Model();
        var lbfgs = new Lbfgs(maxIterations: 4, historySize: 5);
        var root = new StateDict("checkpoint");
        ((IStatefulOptimizer)lbfgs).SaveState(model.Parameters, root);
        // Before any step torch's state has only its counts (and here the settings).
        root.Entries.Select(e => e.Key).Should().BeEquivalentTo(
            ["lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size", "line_search_fn", "weight_decay", "func_evals", "n_iter"]);

        lbfgs.Step(model.Parameters, () => model.ComputeGradients(X, Y, new MeanSquaredErrorLoss()));
        lbfgs.HistoryCount.Should().Be(3, "4 iterations give 3 pairs, fewer than the history holds");
        StateDict state = RoundTrip(lbfgs, model);
        state.Entries.Select(e => e.Key).Where(k => k.StartsWith("old_dirs", StringComparison.Ordinal) || k.StartsWith("old_stps", StringComparison.Ordinal) || k.StartsWith("ro", StringComparison.Ordinal))
            .Should().BeEquivalentTo(["old_dirs.0", "old_dirs.1", "old_dirs.2", "old_stps.0", "old_stps.1", "old_stps.2", "ro.0", "ro.1", "ro.2"]);
        state.GetInt64("history").Should().Be(3);
    }

    [Fact]
    public void A_checkpoint_of_other_parameters_is_refused()
    {
        Mlp model = Model();
        var lbfgs = new Lbfgs(maxIterations: 4, historySize: 3);
        lbfgs.Step(model.Parameters, () => model.ComputeGradients(X, Y, new MeanSquaredErrorLoss()));
        StateDict state = RoundTrip(lbfgs, model);
        var wider = new Mlp(new Dense(3, 6, seed: 1), new Tanh(), new Dense(6, 2, seed: 2));
        FluentActions.Invoking(() => ((IStatefulOptimizer)new Lbfgs(maxIterations: 4, historySize: 3)).LoadState(wider.Parameters, state))
            .Should().Throw<InvalidDataException>().WithMessage($"*holds {Values(model).Length} values but the parameters have {Values(wider).Length}*");
    }
}
