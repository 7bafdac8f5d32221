using NeuralNet.Graph;

namespace NeuralNet.Tests.Graph;

public class NodeTests
{
    public static TheoryData<string, double, double, double> UnaryPrimitives => new()
    {
        // operation, x, value by hand, derivative by hand
        { "exp", 0, 1, 1 },
        { "exp", 1, Math.E, Math.E },
        { "log", 2, 0.6931471805599453, 0.5 },
        { "log", 1, 0, 1 },
        { "sigmoid", 0, 0.5, 0.25 },
        { "sigmoid", 800, 1, 0 },    // stable: no ∞/∞
        { "sigmoid", -800, 0, 0 },
        { "tanh", 0, 0, 1 },
        { "tanh", 1, 0.7615941559557649, 0.41997434161402614 }, // sech² 1 = 1 − tanh² 1
        { "relu", 2, 2, 1 },
        { "relu", -1, 0, 0 },
        { "relu", 0, 0, 0 },         // the lecture: g'(0) = 0
        { "-x", 3, -3, -1 },
        { "x+1", 2, 3, 1 },
        { "1+x", 2, 3, 1 },
        { "x-5", 2, -3, 1 },
        { "5-x", 2, 3, -1 },
        { "x*3", 2, 6, 3 },
        { "3*x", 2, 6, 3 },
        { "x/4", 2, 0.5, 0.25 },
        { "1/x", 2, 0.5, -0.25 },
        { "3/x", -2, -1.5, -0.75 },
        { "x^2", 3, 9, 6 },
        { "x^0.5", 4, 2, 0.25 },
        { "x^-1", 2, 0.5, -0.25 },
        { "x^0", 0, 1, 0 },
        { "x^3", -2, -8, 12 },
    };

    private static Node Apply(string operation, Node x) => operation switch
    {
        "exp" => Node.Exp(x),
        "log" => Node.Log(x),
        "sigmoid" => Node.Sigmoid(x),
        "tanh" => Node.Tanh(x),
        "relu" => Node.ReLU(x),
        "-x" => -x,
        "x+1" => x + 1,
        "1+x" => 1 + x,
        "x-5" => x - 5,
        "5-x" => 5 - x,
        "x*3" => x * 3,
        "3*x" => 3 * x,
        "x/4" => x / 4,
        "1/x" => 1 / x,
        "3/x" => 3 / x,
        "x^2" => Node.Pow(x, 2),
        "x^0.5" => Node.Pow(x, 0.5),
        "x^-1" => Node.Pow(x, -1),
        "x^0" => Node.Pow(x, 0),
        "x^3" => Node.Pow(x, 3),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    [Theory]
    [MemberData(nameof(UnaryPrimitives))]
    public void Unary_primitive_has_its_value_and_local_derivative(string operation, double x, double value, double derivative)
    {
        Node input = Node.Variable(x);
        Node output = Apply(operation, input);

        output.Backward();

        output.Value.Should().BeApproximately(value, 1e-15);
        input.Gradient.Should().BeApproximately(derivative, 1e-15);
    }

    [Theory]
    [InlineData("+", 3, 4, 7, 1, 1)]
    [InlineData("-", 3, 4, -1, 1, -1)]
    [InlineData("*", 3, 4, 12, 4, 3)]
    [InlineData("/", 3, 4, 0.75, 0.25, -0.1875)] // ∂/∂y = −x/y² = −3/16
    public void Binary_primitive_has_its_value_and_partial_derivatives(string operation, double x, double y,
        double value, double dx, double dy)
    {
        Node a = Node.Variable(x), b = Node.Variable(y);
        Node output = operation switch { "+" => a + b, "-" => a - b, "*" => a * b, _ => a / b };

        output.Backward();

        output.Value.Should().Be(value);
        a.Gradient.Should().Be(dx);
        b.Gradient.Should().Be(dy);
    }

    [Fact]
    public void Fan_out_sums_the_gradient_over_every_path()
    {
        Node a = Node.Variable(3);
        Node d = (a * 2) * (a + 1); // d = 2a² + 2a

        d.Backward();

        d.Value.Should().Be(24);
        a.Gradient.Should().Be(14); // 4a + 2
    }

    [Fact]
    public void A_node_reached_by_paths_of_different_lengths_is_finished_before_it_propagates()
    {
        Node a = Node.Variable(0.5);
        Node b = a * a;
        Node d = (b + a) * b; // a⁴ + a³

        d.Backward();

        a.Gradient.Should().Be(1.25);  // 4a³ + 3a² = 0.5 + 0.75
        b.Gradient.Should().Be(1);     // ∂d/∂b = (b + a) + b = 2·0.25 + 0.5
    }

    [Theory]
    [InlineData(3, 6)]
    [InlineData(-1.5, -3)]
    public void The_same_node_on_both_sides_counts_twice(double x, double gradient)
    {
        Node v = Node.Variable(x);
        Node square = v * v;

        square.Backward();

        square.Value.Should().Be(x * x);
        v.Gradient.Should().Be(gradient);
        square.Inputs.Should().HaveCount(2).And.OnlyContain(input => ReferenceEquals(input, v));
    }

    [Fact]
    public void Self_difference_and_self_quotient_have_zero_gradient()
    {
        Node v = Node.Variable(7);
        Node f = (v - v) + v / v;

        f.Backward();

        f.Value.Should().Be(1);
        v.Gradient.Should().Be(0); // 1 − 1 + (1/v − v/v²)
    }

    [Fact]
    public void A_chain_of_100000_operations_backpropagates_without_overflowing_the_stack()
    {
        Node x = Node.Variable(0.5, "x");
        Node y = x;
        for (int i = 0; i < 100_000; i++) y = y + x; // y = 100001 x, with x fanning out to every node

        y.Backward();

        y.Value.Should().Be(50_000.5);
        x.Gradient.Should().Be(100_001);
        y.TopologicalOrder().Should().HaveCount(100_001);
        y.ToDot().Should().Contain("gradient 100001");
    }

    [Fact]
    public void A_chain_of_100000_products_multiplies_its_local_derivatives()
    {
        const double c = 1.00001;
        Node x = Node.Variable(1);
        Node y = x;
        for (int i = 0; i < 100_000; i++) y = y * c;

        y.Backward();

        x.Gradient.Should().BeApproximately(Math.Pow(c, 100_000), 1e-9);
    }

    [Fact]
    public void Backward_accumulates_and_ZeroGradients_resets()
    {
        Node x = Node.Variable(3);
        Node square = x * x;

        square.Backward();
        square.Backward();
        x.Gradient.Should().Be(12);        // 2 · 2x: accumulated, as PyTorch does
        square.Gradient.Should().Be(2);

        square.ZeroGradients();
        x.Gradient.Should().Be(0);
        square.Gradient.Should().Be(0);

        square.Backward();
        x.Gradient.Should().Be(6);
    }

    [Fact]
    public void Backward_from_two_roots_gives_the_gradient_of_their_sum()
    {
        Node x = Node.Variable(2), y = Node.Variable(5);
        Node product = x * y, sum = x + y;

        product.Backward();
        sum.Backward();

        x.Gradient.Should().Be(6); // y + 1
        y.Gradient.Should().Be(3); // x + 1
    }

    [Fact]
    public void Backward_on_a_variable_gives_it_gradient_one()
    {
        Node x = Node.Variable(4);
        x.Backward();
        x.Gradient.Should().Be(1);
        x.IsVariable.Should().BeTrue();
        x.Operation.Should().Be(Node.VariableOperation);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Variable_rejects_non_finite_values(double value, string shown)
    {
        Action act = () => Node.Variable(value, "w");
        act.Should().Throw<ArgumentException>().WithMessage($"*w is {shown}*").And.ParamName.Should().Be("value");
    }

    public static TheoryData<string, string> DomainErrors => new()
    {
        { "log 0", "log(x) at x = 0 is -Infinity*x > 0*" },
        { "log -1", "log(x) at x = -1 is NaN*x > 0*" },
        { "x / 0", "x / 0 at x = 1 is Infinity*divisor*" },
        { "x / y0", "x / y at x = 1, y = 0 is Infinity*divisor*" },
        { "1 / x0", "1 / x at x = 0 is Infinity*divisor*" },
        { "exp 1000", "exp(x) at x = 1000 is Infinity*" },
        { "cube root -8", "x^0.333333 at x = -8 is NaN*negative base*" },
        { "sqrt 0", "x^0.5 at x = 0 has the derivative Infinity*" },
        { "x + NaN", "*the constant is NaN*" },
    };

    [Theory]
    [MemberData(nameof(DomainErrors))]
    public void Operations_outside_their_domain_throw_naming_the_operation_and_operands(string operation, string message)
    {
        Node one = Node.Variable(1), zero = Node.Variable(0), minusOne = Node.Variable(-1);
        Action act = operation switch
        {
            "log 0" => () => Node.Log(zero),
            "log -1" => () => Node.Log(minusOne),
            "x / 0" => () => _ = one / 0.0,
            "x / y0" => () => _ = one / zero,
            "1 / x0" => () => _ = 1 / zero,
            "exp 1000" => () => Node.Exp(Node.Variable(1000)),
            "cube root -8" => () => Node.Pow(Node.Variable(-8), 1.0 / 3),
            "sqrt 0" => () => Node.Pow(zero, 0.5),
            _ => () => _ = one + double.NaN,
        };

        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Null_operands_throw_ArgumentNullException()
    {
        Node x = Node.Variable(1);
        Node? none = null;
        new Action[]
        {
            () => _ = x + none!, () => _ = none! * x, () => _ = -none!, () => _ = 2 / none!, () => Node.Exp(none!),
            () => Node.Pow(none!, 2),
        }.Should().AllSatisfy(act => act.Should().Throw<ArgumentNullException>());
    }
}
