using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Optimizers;

namespace NeuralNet.Tests.Optimizers;

/// <summary>
/// Optimizers update large parameters block by block (for the cache), and from a size on in two halves on two threads;
/// every element must still follow its own rule. Five steps on a weight of 18 blocks and a remainder (above the
/// two-thread size) and on a bias of 1 block and one element, with a new gradient per element and per step, against
/// the rules written out element by element in double (PyTorch's recursions), on one thread and on two.
/// </summary>
/// <remarks>In the kernel-thread tests' collection, so that the part counters count only this test's parts.</remarks>
[Collection(nameof(Kernels.KernelThreadsTests))]
public class LargeParameterTests
{
    private const int Steps = 5;
    private static readonly (int Rows, int Columns) WeightShape = (37, 1000), BiasShape = (2049, 1);   // 37,000 and 2,049 elements

    public static TheoryData<string, int> Optimizers => new()
    {
        { "sgd", 1 }, { "sgd", 2 }, { "sgd-momentum", 1 }, { "sgd-momentum", 2 }, { "sgd-nesterov-decay", 1 },
        { "sgd-nesterov-decay", 2 }, { "adam-l2", 1 }, { "adam-l2", 2 }, { "adamw", 1 }, { "adamw", 2 },
        { "rmsprop", 1 }, { "rmsprop", 2 }, { "rmsprop-momentum", 1 }, { "rmsprop-momentum", 2 }, { "rmsprop-centered", 1 },
        { "rmsprop-centered", 2 }, { "rmsprop-decay", 1 }, { "rmsprop-decay", 2 }, { "rmsprop-centered-momentum-decay", 1 },
        { "rmsprop-centered-momentum-decay", 2 }, { "adagrad", 1 }, { "adagrad", 2 }, { "adagrad-lr-decay", 1 }, { "adagrad-lr-decay", 2 },
        { "adagrad-initial-decay", 1 }, { "adagrad-initial-decay", 2 }, { "adagrad-all", 1 }, { "adagrad-all", 2 },
    };

    [Fact]
    public void The_weight_is_updated_in_several_blocks_and_on_two_threads()
    {
        (WeightShape.Rows * WeightShape.Columns).Should().BeGreaterThanOrEqualTo(UpdateBlocks.ParallelThreshold);
        (BiasShape.Rows * BiasShape.Columns).Should().BeGreaterThan(UpdateBlocks.Length).And.BeLessThan(UpdateBlocks.ParallelThreshold);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Every_element_of_a_parameter_larger_than_a_block_follows_the_rule(string name, int threads)
    {
        using var forced = KernelThreads.Force(threads);
        var partsBefore = KernelThreads.PartCounts;
        (IOptimizer optimizer, Rule rule) = OptimizerAndRule(name);
        (Parameter weight, Parameter bias) = (Create("w", WeightShape, seed: 1, isWeight: true), Create("b", BiasShape, seed: 2, isWeight: false));
        (double Expected, State State)[][] elements = [Track(weight), Track(bias)];

        for (int step = 1; step <= Steps; step++)
        {
            int p = 0;
            foreach (Parameter parameter in new[] { weight, bias })
            {
                float[] gradient = parameter.Gradient.AsColumnMajorArray();
                var random = new Random(100 * step + p);
                for (int i = 0; i < gradient.Length; i++)
                {
                    gradient[i] = (float)(random.NextDouble() * 2 - 1);
                    ref var element = ref elements[p][i];
                    element.Expected = rule(element.Expected, gradient[i], parameter.IsWeight, step, ref element.State);
                }
                p++;
            }
            optimizer.Step([weight, bias]);

            p = 0;
            foreach (Parameter parameter in new[] { weight, bias })
            {
                float[] theta = parameter.Value.AsColumnMajorArray();
                for (int i = 0; i < theta.Length; i++)
                    if (Math.Abs(theta[i] - elements[p][i].Expected) > 2e-6)
                        Assert.Fail($"{name} on {threads} thread(s), step {step}: {parameter.Name}[{i}] (block {i / 2048}) is {theta[i]}, the rule gives {elements[p][i].Expected}.");
                p++;
            }
        }
        var partsAfter = KernelThreads.PartCounts;
        long handedOver = partsAfter.RunByHelpers + partsAfter.TakenBack - partsBefore.RunByHelpers - partsBefore.TakenBack;
        if (threads == 2 && KernelThreads.Count > 1) handedOver.Should().Be(Steps, "each step splits the weight, and only the weight, in two");
        else handedOver.Should().Be(0);
    }

    [Theory]
    [InlineData("sgd-nesterov-decay")]
    [InlineData("adamw")]
    [InlineData("rmsprop-centered-momentum-decay")]
    [InlineData("adagrad-all")]
    public void One_and_two_threads_give_the_same_bits(string name)
    {
        float[] Run(int threads)
        {
            using var forced = KernelThreads.Force(threads);
            IOptimizer optimizer = OptimizerAndRule(name).Optimizer;
            var weight = Create("w", WeightShape, seed: 1, isWeight: true);
            for (int step = 1; step <= Steps; step++)
            {
                weight.Gradient.SetSubMatrix(0, 0, TestData.Uniform(WeightShape.Rows, WeightShape.Columns, seed: 100 + step));
                optimizer.Step([weight]);
            }
            return weight.Value.AsColumnMajorArray();
        }

        Run(2).Should().Equal(Run(1));
    }

    /// <summary>The optimizer under test and, independently, its rule in double.</summary>
    private static (IOptimizer Optimizer, Rule Rule) OptimizerAndRule(string name) => name switch
    {
        "sgd" => (new Sgd(0.05f), Rules.Sgd(0.05, momentum: 0, nesterov: false, weightDecay: 0)),
        "sgd-momentum" => (new Sgd(0.05f, momentum: 0.9f), Rules.Sgd(0.05, momentum: 0.9, nesterov: false, weightDecay: 0)),
        "sgd-nesterov-decay" => (new Sgd(0.05f, momentum: 0.8f, nesterov: true, weightDecay: 0.1f), Rules.Sgd(0.05, 0.8, nesterov: true, weightDecay: 0.1)),
        "adam-l2" => (new Adam(0.01f, weightDecay: 0.1f), Rules.Adam(0.01, l2: 0.1, decoupled: 0)),
        "adamw" => (new AdamW(0.01f, weightDecay: 0.1f), Rules.Adam(0.01, l2: 0, decoupled: 0.1)),
        "rmsprop" => (new RmsProp(), Rules.RmsProp(0.01, alpha: 0.99, momentum: 0, centered: false, weightDecay: 0)),
        "rmsprop-momentum" => (new RmsProp(0.01f, momentum: 0.9f), Rules.RmsProp(0.01, alpha: 0.99, momentum: 0.9, centered: false, weightDecay: 0)),
        "rmsprop-centered" => (new RmsProp(0.01f, alpha: 0.9f, centered: true), Rules.RmsProp(0.01, alpha: 0.9, momentum: 0, centered: true, weightDecay: 0)),
        "rmsprop-decay" => (new RmsProp(0.01f, weightDecay: 0.1f), Rules.RmsProp(0.01, alpha: 0.99, momentum: 0, centered: false, weightDecay: 0.1)),
        "rmsprop-centered-momentum-decay" => (new RmsProp(0.01f, alpha: 0.9f, momentum: 0.8f, centered: true, weightDecay: 0.1f),
            Rules.RmsProp(0.01, alpha: 0.9, momentum: 0.8, centered: true, weightDecay: 0.1)),
        "adagrad" => (new Adagrad(0.05f), Rules.Adagrad(0.05, learningRateDecay: 0, weightDecay: 0, initial: 0)),
        "adagrad-lr-decay" => (new Adagrad(0.05f, learningRateDecay: 0.3f), Rules.Adagrad(0.05, learningRateDecay: 0.3, weightDecay: 0, initial: 0)),
        "adagrad-initial-decay" => (new Adagrad(0.05f, weightDecay: 0.1f, initialAccumulatorValue: 0.5f),
            Rules.Adagrad(0.05, learningRateDecay: 0, weightDecay: 0.1, initial: 0.5)),
        "adagrad-all" => (new Adagrad(0.05f, learningRateDecay: 0.3f, weightDecay: 0.1f, initialAccumulatorValue: 0.5f),
            Rules.Adagrad(0.05, learningRateDecay: 0.3, weightDecay: 0.1, initial: 0.5)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static Parameter Create(string name, (int Rows, int Columns) shape, int seed, bool isWeight) =>
        new(name, TestData.Uniform(shape.Rows, shape.Columns, seed), isWeight);

    private static (double, State)[] Track(Parameter parameter) =>
        parameter.Value.AsColumnMajorArray().Select(value => ((double)value, new State())).ToArray();

    /// <summary>An element's optimizer state: the velocity, Adam's two moments, or RMSprop's and Adagrad's averages and sums.</summary>
    private struct State
    {
        public double First, Second, Third;
    }

    /// <summary>One element's update, θ and g in, θ out; the element's state is updated in place.</summary>
    private delegate double Rule(double theta, double gradient, bool isWeight, int step, ref State state);

    /// <summary>PyTorch's recursions, element by element, in double.</summary>
    private static class Rules
    {
        public static Rule Sgd(double eta, double momentum, bool nesterov, double weightDecay) =>
            (double theta, double g, bool isWeight, int step, ref State state) =>
            {
                if (isWeight) g += weightDecay * theta;
                double v = state.First = step == 1 ? g : momentum * state.First + g;
                double direction = nesterov ? g + momentum * v : v;
                return theta - eta * direction;
            };

        public static Rule Adam(double eta, double l2, double decoupled) =>
            (double theta, double g, bool isWeight, int step, ref State state) =>
            {
                const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
                if (isWeight)
                {
                    g += l2 * theta;
                    theta *= 1 - eta * decoupled;
                }
                double m = state.First = beta1 * state.First + (1 - beta1) * g;
                double v = state.Second = beta2 * state.Second + (1 - beta2) * g * g;
                double mHat = m / (1 - Math.Pow(beta1, step)), vHat = v / (1 - Math.Pow(beta2, step));
                return theta - eta * mHat / (Math.Sqrt(vHat) + epsilon);
            };

        // torch.optim.RMSprop: square average, gradient average (centered), momentum buffer; all start at 0.
        public static Rule RmsProp(double eta, double alpha, double momentum, bool centered, double weightDecay) =>
            (double theta, double g, bool isWeight, int step, ref State state) =>
            {
                const double epsilon = 1e-8;
                if (isWeight) g += weightDecay * theta;
                double squareAverage = state.First = alpha * state.First + (1 - alpha) * g * g;
                double average;
                if (centered)
                {
                    double gradientAverage = state.Second = alpha * state.Second + (1 - alpha) * g;
                    average = Math.Sqrt(squareAverage - gradientAverage * gradientAverage) + epsilon;
                }
                else
                {
                    average = Math.Sqrt(squareAverage) + epsilon;
                }
                if (momentum == 0) return theta - eta * g / average;
                double buffer = state.Third = momentum * state.Third + g / average;
                return theta - eta * buffer;
            };

        // torch.optim.Adagrad: the sum starts at the initial accumulator value; step t uses η / (1 + (t − 1)·δ).
        public static Rule Adagrad(double eta, double learningRateDecay, double weightDecay, double initial) =>
            (double theta, double g, bool isWeight, int step, ref State state) =>
            {
                const double epsilon = 1e-10;
                if (isWeight) g += weightDecay * theta;
                double stepSize = eta / (1 + (step - 1) * learningRateDecay);
                double sum = state.First = (step == 1 ? initial : state.First) + g * g;
                return theta - stepSize * g / (Math.Sqrt(sum) + epsilon);
            };
    }
}
