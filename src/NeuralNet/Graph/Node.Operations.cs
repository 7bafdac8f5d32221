namespace NeuralNet.Graph;

// The primitives. Each line gives an operation's forward value and, beside it, its local derivative(s)
// ∂output/∂input: the lecture's table f1 … f6 (wx, x + y, x + 1, −x, eˣ, 1/x) and the units of the network.
public sealed partial class Node
{
    /// <summary>f1 of the lecture, w x: ∂/∂x = y, ∂/∂y = x.</summary>
    public static Node operator *(Node x, Node y) => Binary(x, y, "x × y", static (a, b) => (a * b, b, a));

    /// <summary>c x: d/dx = c.</summary>
    public static Node operator *(Node x, double c) => Unary(x, $"x × {Constant(c)}", v => (v * c, c));

    /// <summary>c x: d/dx = c.</summary>
    public static Node operator *(double c, Node x) => x * c;

    /// <summary>f2 of the lecture, x + y: ∂/∂x = 1, ∂/∂y = 1.</summary>
    public static Node operator +(Node x, Node y) => Binary(x, y, "x + y", static (a, b) => (a + b, 1, 1));

    /// <summary>f3 of the lecture (with c = 1), x + c: d/dx = 1.</summary>
    public static Node operator +(Node x, double c) => Unary(x, $"x + {Constant(c)}", v => (v + c, 1));

    /// <summary>c + x: d/dx = 1.</summary>
    public static Node operator +(double c, Node x) => x + c;

    /// <summary>x − y: ∂/∂x = 1, ∂/∂y = −1.</summary>
    public static Node operator -(Node x, Node y) => Binary(x, y, "x − y", static (a, b) => (a - b, 1, -1));

    /// <summary>x − c: d/dx = 1.</summary>
    public static Node operator -(Node x, double c) => Unary(x, $"x − {Constant(c)}", v => (v - c, 1));

    /// <summary>c − x: d/dx = −1.</summary>
    public static Node operator -(double c, Node x) => Unary(x, $"{Constant(c)} − x", v => (c - v, -1));

    /// <summary>f4 of the lecture, −x: d/dx = −1.</summary>
    public static Node operator -(Node x) => Unary(x, "−x", static v => (-v, -1));

    /// <summary>x / y: ∂/∂x = 1/y, ∂/∂y = −x/y². Throws when y is 0.</summary>
    public static Node operator /(Node x, Node y) =>
        Binary(x, y, "x / y", static (a, b) => (a / b, 1 / b, -a / (b * b)), "the divisor must not be 0");

    /// <summary>x / c: d/dx = 1/c. Throws when c is 0.</summary>
    public static Node operator /(Node x, double c) =>
        Unary(x, $"x / {Constant(c)}", v => (v / c, 1 / c), "the divisor must not be 0");

    /// <summary>f6 of the lecture (with c = 1), c / x: d/dx = −c/x². Throws when x is 0.</summary>
    public static Node operator /(double c, Node x) =>
        Unary(x, $"{Constant(c)} / x", v => (c / v, -c / (v * v)), "the divisor must not be 0");

    /// <summary>f5 of the lecture, eˣ: d/dx = eˣ. Throws when eˣ overflows (x above about 709).</summary>
    /// <param name="x">The exponent.</param>
    public static Node Exp(Node x) => Unary(x, "exp(x)", static v => { double e = Math.Exp(v); return (e, e); });

    /// <summary>The natural logarithm, log x: d/dx = 1/x. Throws when x ≤ 0 (where <see cref="Math.Log(double)"/> gives NaN or −∞).</summary>
    /// <param name="x">A node with a positive value.</param>
    public static Node Log(Node x) => Unary(x, "log(x)", static v => (Math.Log(v), 1 / v), "the logarithm needs x > 0");

    /// <summary>The logistic sigmoid σ(x) = 1/(1 + e⁻ˣ): d/dx = σ(1 − σ). Stable for any finite x.</summary>
    /// <param name="x">The input.</param>
    public static Node Sigmoid(Node x) => Unary(x, "sigmoid(x)", static v =>
    {
        double s = v >= 0 ? 1 / (1 + Math.Exp(-v)) : Math.Exp(v) / (1 + Math.Exp(v));
        return (s, s * (1 - s));
    });

    /// <summary>The hyperbolic tangent: d/dx = 1 − tanh² x.</summary>
    /// <param name="x">The input.</param>
    public static Node Tanh(Node x) => Unary(x, "tanh(x)", static v => { double t = Math.Tanh(v); return (t, 1 - t * t); });

    /// <summary>The rectifier max(0, x): d/dx = 1 when x &gt; 0, else 0 (0 at x = 0, as the lecture says).</summary>
    /// <param name="x">The input.</param>
    public static Node ReLU(Node x) => Unary(x, "relu(x)", static v => (v > 0 ? v : 0, v > 0 ? 1 : 0));

    /// <summary>
    /// xᵖ: d/dx = p xᵖ⁻¹. Throws when the value or derivative is not a finite real number: a negative x with a
    /// fractional p, or x = 0 with p &lt; 1 (other than p = 0, where x⁰ = 1 and the derivative is 0).
    /// </summary>
    /// <param name="x">The base.</param>
    /// <param name="exponent">The exponent p; finite.</param>
    public static Node Pow(Node x, double exponent) =>
        Unary(x, $"x^{Constant(exponent)}",
            v => (Math.Pow(v, exponent), exponent == 0 ? 0 : exponent * Math.Pow(v, exponent - 1)),
            "a negative base needs an integer exponent, and a zero base an exponent of 0 or at least 1");

    private static Node Unary(Node x, string operation, Func<double, (double Value, double Derivative)> primitive, string? domain = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        (double value, double derivative) = primitive(x.Value);
        RequireFiniteResult(value, derivative, $"{operation} at x = {Format(x.Value)}", domain, nameof(x));
        return new Node(value, operation, null, [new Edge(x, derivative)]);
    }

    private static Node Binary(Node x, Node y, string operation,
        Func<double, double, (double Value, double DerivativeX, double DerivativeY)> primitive, string? domain = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        (double value, double dx, double dy) = primitive(x.Value, y.Value);
        RequireFiniteResult(value, Math.Abs(dx) + Math.Abs(dy),
            $"{operation} at x = {Format(x.Value)}, y = {Format(y.Value)}", domain, parameterName: null);
        return new Node(value, operation, null, [new Edge(x, dx), new Edge(y, dy)]);
    }

    private static void RequireFiniteResult(double value, double derivative, string what, string? domain, string? parameterName)
    {
        if (double.IsFinite(value) && double.IsFinite(derivative)) return;
        string problem = double.IsFinite(value) ? $"has the derivative {Format(derivative)}" : $"is {Format(value)}";
        throw new ArgumentException(
            $"{what} {problem}, and the graph holds finite numbers only{(domain is null ? "" : $": {domain}")}.", parameterName);
    }

    private static string Constant(double c)
    {
        RequireFinite(c, nameof(c), "the constant");
        return Format(c);
    }
}
