using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Data;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Samples;

/// <summary>
/// Full-batch L-BFGS against mini-batch Adam on the committed digits, in one run: the same 64 → hidden tanh → 10 softmax
/// network and split; Adam at the best learning rate of a sweep, chosen on a validation part of the training set.
/// </summary>
public static class LbfgsSample
{
    /// <summary>The budgets.</summary>
    public sealed record Options
    {
        /// <summary>L-BFGS epochs: one full-batch step of up to 20 iterations each.</summary>
        public int LbfgsEpochs { get; init; } = 25;
        /// <summary>Adam epochs, in mini-batches of 32.</summary>
        public int AdamEpochs { get; init; } = 100;
        /// <summary>Adam's learning rates tried.</summary>
        public IReadOnlyList<float> AdamRates { get; init; } = [3e-4f, 1e-3f, 3e-3f, 1e-2f];
        /// <summary>Hidden units.</summary>
        public int Hidden { get; init; } = 128;
        /// <summary>λ of both optimizers (weights only).</summary>
        public float WeightDecay { get; init; } = 1e-3f;
        /// <summary>Seed of the splits and the weights.</summary>
        public int Seed { get; init; } = 1;
    }

    /// <summary>One optimizer's run.</summary>
    /// <param name="Name">The optimizer and its setting.</param>
    /// <param name="Epochs">Epochs run.</param>
    /// <param name="LossEvaluations">Closure calls (L-BFGS, each over the whole training set) or epochs (Adam, each one pass over it).</param>
    /// <param name="Seconds">Wall time of <see cref="Mlp.Fit"/>.</param>
    /// <param name="TrainingLoss">The last epoch's training loss.</param>
    /// <param name="Accuracy">On the validation part in the sweep, on the test set in the final runs.</param>
    public sealed record OptimizerRun(string Name, int Epochs, double LossEvaluations, double Seconds, float TrainingLoss, float Accuracy);

    /// <summary>What the run measured.</summary>
    /// <param name="Lbfgs">L-BFGS trained on the whole training set; its accuracy on the test set.</param>
    /// <param name="Adam">Adam at the sweep's best rate, trained on the whole training set; its accuracy on the test set.</param>
    /// <param name="AdamSweep">Adam at every rate of <see cref="Options.AdamRates"/> on the fit part; accuracy on the validation part.</param>
    /// <param name="ClosureShare">The share of a warm L-BFGS step's time spent in its closure (the loss evaluations).</param>
    /// <param name="TrainCount">Rows of the training set.</param>
    /// <param name="TestCount">Rows of the test set.</param>
    public sealed record Result(OptimizerRun Lbfgs, OptimizerRun Adam, IReadOnlyList<OptimizerRun> AdamSweep, double ClosureShare, int TrainCount, int TestCount);

    /// <summary>
    /// Splits the digits 80/20 into training and test sets, as <see cref="DigitsSample"/>. Adam's rate is chosen on the
    /// training set alone (split 80/20 again into fit and validation parts); then L-BFGS and Adam at that rate train on the
    /// whole training set from the same initial weights, and the test set measures them (and chooses nothing).
    /// </summary>
    public static Result Run(Options options, IProgress<EpochResult>? progress = null)
    {
        LabeledData all = Digits.Load(SamplePaths.Digits);
        var (train, test) = all.Split(0.2, options.Seed);
        var (fit, validation) = train.Split(0.2, options.Seed + 1);
        var loss = new CrossEntropyLoss();
        Mlp Model() => new(new Dense(Digits.Features, options.Hidden, seed: options.Seed), new Tanh(),
                           new Dense(options.Hidden, all.Classes, seed: options.Seed + 1), new Softmax());

        // Standardised on the rows trained on; accuracy on the rows held out.
        OptimizerRun Train(string name, IOptimizer optimizer, int epochs, int? batchSize, LabeledData on, LabeledData heldOut, Func<double> evaluations)
        {
            var scaler = StandardScaler.Fit(on.Inputs);
            var (x, y) = (scaler.Transform(on.Inputs), on.OneHotTargets());
            var heldOutInputs = scaler.Transform(heldOut.Inputs);
            var model = Model();
            var clock = Stopwatch.StartNew();
            TrainingHistory history = model.Fit(x, y, loss, optimizer, new TrainingOptions
            {
                Epochs = epochs, BatchSize = batchSize ?? x.RowCount, Seed = options.Seed,
            }, progress);
            double seconds = clock.Elapsed.TotalSeconds;
            float accuracy = Metrics.Accuracy(Metrics.ArgMax(model.Predict(heldOutInputs)), heldOut.Labels);
            return new OptimizerRun(name, history.Epochs.Count, evaluations(), seconds, history.Epochs[^1].TrainingLoss, accuracy);
        }

        OptimizerRun Adam(float rate, LabeledData on, LabeledData heldOut) =>
            Train($"Adam η = {rate:G3}, batch 32", new Adam(rate, weightDecay: options.WeightDecay), options.AdamEpochs, 32, on, heldOut,
                  () => options.AdamEpochs);
        // Untimed warm-up runs first: otherwise whichever trains first pays for the JIT (several times its own cost here).
        Train("warm-up", new Adam(1e-3f), 3, 32, fit, validation, () => 0);
        Train("warm-up", new Lbfgs(maxIterations: 5, lineSearch: LbfgsLineSearch.StrongWolfe), 3, null, train, test, () => 0);
        var sweep = options.AdamRates.Select(rate => Adam(rate, fit, validation)).ToArray();
        float best = options.AdamRates[Array.IndexOf(sweep, sweep.MaxBy(r => r.Accuracy))];

        // Full batch, strong Wolfe, torch's defaults otherwise: nothing to tune.
        var lbfgs = new Lbfgs(lineSearch: LbfgsLineSearch.StrongWolfe, weightDecay: options.WeightDecay);
        OptimizerRun lbfgsRun = Train("L-BFGS, strong Wolfe, full batch", lbfgs, options.LbfgsEpochs, null, train, test, () => lbfgs.FunctionEvaluations);
        OptimizerRun adamRun = Adam(best, train, test);

        var scaled = StandardScaler.Fit(train.Inputs).Transform(train.Inputs);
        return new Result(lbfgsRun, adamRun, sweep, ClosureShare(Model(), scaled, train.OneHotTargets(), loss), train.Count, test.Count);
    }

    /// <summary>One warm L-BFGS step by hand: the closure's share of its wall time.</summary>
    private static double ClosureShare(Mlp model, Matrix<float> x, Matrix<float> y, ILoss loss)
    {
        var lbfgs = new Lbfgs(lineSearch: LbfgsLineSearch.StrongWolfe);
        var inClosure = new Stopwatch();
        float Closure()
        {
            inClosure.Start();
            float value = model.ComputeGradients(x, y, loss);
            inClosure.Stop();
            return value;
        }
        for (int warm = 0; warm < 3; warm++) lbfgs.Step(model.Parameters, Closure);
        inClosure.Reset();
        var step = Stopwatch.StartNew();
        for (int k = 0; k < 3; k++) lbfgs.Step(model.Parameters, Closure);
        return inClosure.Elapsed.TotalSeconds / step.Elapsed.TotalSeconds;
    }
}
