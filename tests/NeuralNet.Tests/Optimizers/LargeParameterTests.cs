using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Kernels;
using NeuralNet.Optimizers;

namespace NeuralNet.Tests.Optimizers;

/// <summary>
/// Optimizers update large parameters block by block (for the cache), and from a size on in two halves on two threads;
/// every element must still follow its own rule. Three steps on a weight of 18 blocks and a remainder (above the
/// two-thread size) and on a bias of 1 block and one element, with a new gradient per element and per step, against
/// the rules written out element by element in double (PyTorch's recursions), on one thread and on two.
/// </summary>
/// <remarks>In the kernel-thread tests' collection, so that the part counters count only this test's parts.</remarks>
[Collection(nameof(Kernels.KernelThreadsTests))]
public class LargeParameterTests
{
    private const int Steps = 3;
    private static readonly (int Rows, int Columns) WeightShape = (37, 1000), BiasShape = (2049, 1);   // 37,000 and 2,049 elements

    public static TheoryData<string, int> Optimizers => new()
    {
        { "sgd", 1 }, { "sgd", 2 }, { "sgd-momentum", 1 }, { "sgd-momentum", 2 }, { "sgd-nesterov-decay", 1 },
        { "sgd-nesterov-decay", 2 }, { "adam-l2", 1 }, { "adam-l2", 2 }, { "adamw", 1 }, { "adamw", 2 },
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
        (IOptimizer optimizer, Rule rule) = name switch
        {
            "sgd" => ((IOptimizer)new Sgd(0.05f), Rule.Sgd(0.05, momentum: 0, nesterov: false, weightDecay: 0)),
            "sgd-momentum" => (new Sgd(0.05f, momentum: 0.9f), Rule.Sgd(0.05, momentum: 0.9, nesterov: false, weightDecay: 0)),
            "sgd-nesterov-decay" => (new Sgd(0.05f, momentum: 0.8f, nesterov: true, weightDecay: 0.1f), Rule.Sgd(0.05, 0.8, nesterov: true, weightDecay: 0.1)),
            "adam-l2" => (new Adam(0.01f, weightDecay: 0.1f), Rule.Adam(0.01, l2: 0.1, decoupled: 0)),
            "adamw" => (new AdamW(0.01f, weightDecay: 0.1f), Rule.Adam(0.01, l2: 0, decoupled: 0.1)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
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
                    element.Expected = rule.Apply(element.Expected, gradient[i], parameter.IsWeight, step, ref element.State);
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
    public void One_and_two_threads_give_the_same_bits(string name)
    {
        float[] Run(int threads)
        {
            using var forced = KernelThreads.Force(threads);
            IOptimizer optimizer = name == "adamw" ? new AdamW(0.01f, weightDecay: 0.1f) : new Sgd(0.05f, momentum: 0.8f, nesterov: true, weightDecay: 0.1f);
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

    private static Parameter Create(string name, (int Rows, int Columns) shape, int seed, bool isWeight) =>
        new(name, TestData.Uniform(shape.Rows, shape.Columns, seed), isWeight);

    private static (double, State)[] Track(Parameter parameter) =>
        parameter.Value.AsColumnMajorArray().Select(value => ((double)value, new State())).ToArray();

    /// <summary>An element's optimizer state: the velocity, or Adam's two moments.</summary>
    private struct State
    {
        public double First, Second;
    }

    /// <summary>One element's update, θ and g in, θ out.</summary>
    private sealed class Rule
    {
        private readonly Func<double, double, bool, int, double, double, (double Theta, double First, double Second)> _apply;

        private Rule(Func<double, double, bool, int, double, double, (double, double, double)> apply) => _apply = apply;

        public double Apply(double theta, double gradient, bool isWeight, int step, ref State state)
        {
            var (next, first, second) = _apply(theta, gradient, isWeight, step, state.First, state.Second);
            (state.First, state.Second) = (first, second);
            return next;
        }

        public static Rule Sgd(double eta, double momentum, bool nesterov, double weightDecay) => new((theta, g, isWeight, step, v, _) =>
        {
            if (isWeight) g += weightDecay * theta;
            v = step == 1 ? g : momentum * v + g;
            double direction = nesterov ? g + momentum * v : v;
            return (theta - eta * direction, v, 0);
        });

        public static Rule Adam(double eta, double l2, double decoupled) => new((theta, g, isWeight, step, m, v) =>
        {
            const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
            if (isWeight)
            {
                g += l2 * theta;
                theta *= 1 - eta * decoupled;
            }
            m = beta1 * m + (1 - beta1) * g;
            v = beta2 * v + (1 - beta2) * g * g;
            double mHat = m / (1 - Math.Pow(beta1, step)), vHat = v / (1 - Math.Pow(beta2, step));
            return (theta - eta * mHat / (Math.Sqrt(vHat) + epsilon), m, v);
        });
    }
}
