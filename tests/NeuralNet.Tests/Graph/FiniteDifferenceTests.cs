using NeuralNet.Graph;

namespace NeuralNet.Tests.Graph;

/// <summary>
/// Random expressions over every operation, their gradients checked against central finite differences
/// (f(v + h) − f(v − h)) / 2h, as <c>torch.autograd.gradcheck</c> does in double precision.
/// </summary>
public class FiniteDifferenceTests
{
    private enum Op
    {
        Add, Subtract, Multiply, Divide, Negate, AddConstant, ConstantPlus, SubtractConstant, ConstantMinus,
        TimesConstant, ConstantTimes, DivideByConstant, ConstantOver, Exp, Log, Sigmoid, Tanh, ReLU, Pow,
    }

    /// <summary>One operation of an expression: its kind, the positions of its operands in the pool, a constant.</summary>
    private sealed record Step(Op Op, int X, int Y, double C);

    private const int VariableCount = 3;
    private const int StepCount = 40;
    private static readonly double[] Exponents = [2, 3, -1, 0.5, 1.5, -0.5];

    private static Node Apply(Step s, List<Node> pool)
    {
        Node x = pool[s.X], y = pool[s.Y];
        return s.Op switch
        {
            Op.Add => x + y,
            Op.Subtract => x - y,
            Op.Multiply => x * y,
            Op.Divide => x / y,
            Op.Negate => -x,
            Op.AddConstant => x + s.C,
            Op.ConstantPlus => s.C + x,
            Op.SubtractConstant => x - s.C,
            Op.ConstantMinus => s.C - x,
            Op.TimesConstant => x * s.C,
            Op.ConstantTimes => s.C * x,
            Op.DivideByConstant => x / s.C,
            Op.ConstantOver => s.C / x,
            Op.Exp => Node.Exp(x),
            Op.Log => Node.Log(x),
            Op.Sigmoid => Node.Sigmoid(x),
            Op.Tanh => Node.Tanh(x),
            Op.ReLU => Node.ReLU(x),
            Op.Pow => Node.Pow(x, s.C),
            _ => throw new ArgumentOutOfRangeException(nameof(s)),
        };
    }

    /// <summary>Keeps operands well inside each operation's domain, away from kinks and poles, so h can't cross them.</summary>
    private static bool Safe(Step s, List<Node> pool)
    {
        double x = pool[s.X].Value, y = pool[s.Y].Value;
        return s.Op switch
        {
            Op.Divide => Math.Abs(y) > 0.3,
            Op.ConstantOver => Math.Abs(x) > 0.3,
            Op.Log => x > 0.1,
            Op.Exp => x < 3,
            Op.ReLU => Math.Abs(x) > 0.01,
            Op.Pow => s.C == Math.Floor(s.C) ? s.C > 0 || Math.Abs(x) > 0.3 : x > 0.1,
            _ => true,
        };
    }

    /// <summary>Chooses the steps of an expression once, from the variables' values, cycling through every operation.</summary>
    private static List<Step> Generate(int seed, double[] variables)
    {
        var random = new Random(seed);
        var pool = variables.Select(v => Node.Variable(v)).ToList();
        var steps = new List<Step>();
        for (int i = 0; i < StepCount; i++)
        {
            var op = (Op)((seed + i) % Enum.GetValues<Op>().Length);
            for (int attempt = 0; attempt < 50; attempt++)
            {
                double c = op switch
                {
                    Op.Pow => Exponents[random.Next(Exponents.Length)],
                    Op.DivideByConstant => (random.Next(2) * 2 - 1) * (0.5 + 1.5 * random.NextDouble()),
                    _ => 4 * random.NextDouble() - 2,
                };
                var step = new Step(op, random.Next(pool.Count), random.Next(pool.Count), c);
                if (!Safe(step, pool)) continue;
                Node result = Apply(step, pool);
                if (Math.Abs(result.Value) > 20) continue;
                pool.Add(result);
                steps.Add(step);
                break;
            }
        }
        return steps;
    }

    /// <summary>Builds the expression at the given variable values: the sum of every node, so each one matters.</summary>
    private static (Node Output, List<Node> Variables) Build(List<Step> steps, double[] variables)
    {
        var pool = variables.Select((v, k) => Node.Variable(v, $"v{k}")).ToList();
        foreach (Step step in steps) pool.Add(Apply(step, pool));
        return (pool.Aggregate((sum, node) => sum + node), pool.Take(variables.Length).ToList());
    }

    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 30));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_expression_gradients_match_central_finite_differences(int seed)
    {
        var random = new Random(1000 + seed);
        double[] values = Enumerable.Range(0, VariableCount).Select(_ => 4 * random.NextDouble() - 2).ToArray();
        List<Step> steps = Generate(seed, values);
        steps.Select(s => s.Op).Distinct().Should().HaveCount(Enum.GetValues<Op>().Length, "every operation is tested");

        (Node output, List<Node> variables) = Build(steps, values);
        output.Backward();

        const double h = 1e-5;
        for (int k = 0; k < VariableCount; k++)
        {
            double[] up = (double[])values.Clone(), down = (double[])values.Clone();
            up[k] += h;
            down[k] -= h;
            double numeric = (Build(steps, up).Output.Value - Build(steps, down).Output.Value) / (2 * h);
            variables[k].Gradient.Should().BeApproximately(numeric, 1e-6 * (1 + Math.Abs(numeric)),
                $"∂f/∂v{k} of seed {seed}: {string.Join(", ", steps.Select(s => $"{s.Op}({s.X},{s.Y},{s.C:G3})"))}");
        }
    }
}
