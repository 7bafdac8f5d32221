using MathNet.Numerics.LinearAlgebra;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using NeuralNet.Training;

namespace NeuralNet.Tests.Robustness;

/// <summary>
/// Every public entry point, misused: each row is one misuse, the exception it must raise, the parameter that
/// exception names, and the offending values its message must quote.
/// </summary>
public sealed class InputValidationTests
{
    public sealed record Case(string Name, Action Call, Type Exception, string? Parameter, string Message)
    {
        public override string ToString() => Name; // The test explorer shows one readable row per case.
    }

    private static Matrix<float> M(int rows, int columns, float value = 0.5f) => Matrix<float>.Build.Dense(rows, columns, value);

    private static Matrix<float> With(Matrix<float> m, int row, int column, float value)
    {
        m[row, column] = value;
        return m;
    }

    private static Mlp Net() => new(new Dense(3, 4, seed: 1), new Tanh(), new Dense(4, 2, seed: 2), new Softmax());

    private static Mlp SigmoidNet() => new(new Dense(3, 2, seed: 1), new Sigmoid());

    private static Mlp AfterForward(Mlp net)
    {
        net.Forward(M(2, 3));
        return net;
    }

    private static TrainingHistory Fit(TrainingOptions options) =>
        Net().Fit(M(2, 3), OneHot, new CrossEntropyLoss(), new Sgd(0.1f), options);

    private static readonly Matrix<float> OneHot = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 0 }, { 0, 1 } });

    private static readonly Case[] Cases =
    [
        // Mlp constructor
        new("Mlp: null layer array", () => new Mlp(null!), typeof(ArgumentNullException), "layers", "*"),
        new("Mlp: no layers", () => new Mlp(), typeof(ArgumentException), "layers", "*at least one layer*"),
        new("Mlp: a null layer", () => new Mlp(new Dense(2, 2), null!), typeof(ArgumentException), "layers", "*Layer 1 is null*"),
        new("Mlp: one layer instance twice", () => { var t = new Tanh(); _ = new Mlp(new Dense(2, 2), t, new Dense(2, 2), t); }, typeof(ArgumentException), "layers", "*Layer 3*same instance as layer 1*"),
        new("Mlp: widths that don't chain", () => new Mlp(new Dense(2, 3), new ReLU(), new Dense(4, 1)), typeof(ArgumentException), "layers", "*Layer 2*expects 4 inputs*produce 3*"),

        // Mlp.Predict and Mlp.Forward
        new("Predict: null batch", () => Net().Predict(null!), typeof(ArgumentNullException), "input", "*"),
        new("Predict: wrong width", () => Net().Predict(M(2, 5)), typeof(ArgumentException), "input", "*expects 3 input columns*has 5*"),
        new("Predict: empty batch", () => Net().Predict(M(0, 3)), typeof(ArgumentException), "input", "*empty (0 × 3)*"),
        new("Predict: NaN input", () => Net().Predict(With(M(2, 3), 1, 2, float.NaN)), typeof(ArgumentException), "input", "*[1, 2]*NaN*finite*"),
        new("Predict: infinite input", () => Net().Predict(With(M(2, 3), 0, 1, float.NegativeInfinity)), typeof(ArgumentException), "input", "*[0, 1]*-Infinity*"),
        new("Forward: wrong width", () => Net().Forward(M(2, 1)), typeof(ArgumentException), "input", "*expects 3 input columns*has 1*"),
        new("Forward: empty batch", () => Net().Forward(M(4, 0)), typeof(ArgumentException), "input", "*empty (4 × 0)*"),
        new("Forward: infinite input", () => Net().Forward(With(M(2, 3), 1, 0, float.PositiveInfinity)), typeof(ArgumentException), "input", "*[1, 0]*Infinity*"),

        // Mlp.Backward
        new("Backward: null gradient", () => AfterForward(Net()).Backward(null!), typeof(ArgumentNullException), "outputGradient", "*"),
        new("Backward: wrong shape", () => AfterForward(Net()).Backward(M(3, 2)), typeof(ArgumentException), "outputGradient", "*2 × 2*3 × 2*"),
        new("Backward: NaN gradient", () => AfterForward(Net()).Backward(With(M(2, 2), 1, 1, float.NaN)), typeof(ArgumentException), "outputGradient", "*[1, 1]*NaN*"),
        new("Backward: before any Forward", () => Net().Backward(M(2, 2)), typeof(InvalidOperationException), null, "*Backward was called before Forward*"),

        // Mlp.ComputeGradients
        new("ComputeGradients: null loss", () => Net().ComputeGradients(M(2, 3), OneHot, null!), typeof(ArgumentNullException), "loss", "*"),
        new("ComputeGradients: null target", () => Net().ComputeGradients(M(2, 3), null!, new CrossEntropyLoss()), typeof(ArgumentNullException), "target", "*"),
        new("ComputeGradients: NaN input", () => Net().ComputeGradients(With(M(2, 3), 0, 0, float.NaN), OneHot, new CrossEntropyLoss()), typeof(ArgumentException), "input", "*[0, 0]*NaN*"),
        new("ComputeGradients: empty batch", () => Net().ComputeGradients(M(0, 3), M(0, 2), new CrossEntropyLoss()), typeof(ArgumentException), "input", "*empty*"),
        new("ComputeGradients: target rows", () => Net().ComputeGradients(M(2, 3), M(3, 2), new MeanSquaredErrorLoss()), typeof(ArgumentException), "target", "*3 rows*input has 2*"),
        new("ComputeGradients: target columns", () => Net().ComputeGradients(M(2, 3), M(2, 5), new MeanSquaredErrorLoss()), typeof(ArgumentException), "target", "*5 columns*2 outputs*"),
        new("ComputeGradients: NaN target", () => Net().ComputeGradients(M(2, 3), With(M(2, 2), 1, 0, float.NaN), new MeanSquaredErrorLoss()), typeof(ArgumentException), "target", "*[1, 0]*NaN*"),
        new("ComputeGradients: not one-hot", () => Net().ComputeGradients(M(2, 3), M(2, 2, 0.9f), new CrossEntropyLoss()), typeof(ArgumentException), "target", "*row 0 sums to 1.8*"),
        new("ComputeGradients: BCE target above 1", () => SigmoidNet().ComputeGradients(M(2, 3), With(M(2, 2), 0, 1, 1.5f), new BinaryCrossEntropyLoss()), typeof(ArgumentException), "target", "*[0, 1] is 1.5*[0, 1]*"),
        new("ComputeGradients: BCE target below 0", () => SigmoidNet().ComputeGradients(M(2, 3), With(M(2, 2), 1, 1, -0.25f), new BinaryCrossEntropyLoss()), typeof(ArgumentException), "target", "*[1, 1] is -0.25*"),

        // Losses called directly
        new("MSE: shapes differ", () => new MeanSquaredErrorLoss().Loss(M(2, 2), M(2, 3)), typeof(ArgumentException), "target", "*2 × 3*prediction is 2 × 2*"),
        new("MSE: empty prediction", () => new MeanSquaredErrorLoss().Loss(M(0, 2), M(0, 2)), typeof(ArgumentException), "prediction", "*empty (0 × 2)*"),
        new("MSE: infinite target", () => new MeanSquaredErrorLoss().Loss(M(2, 2), With(M(2, 2), 0, 1, float.PositiveInfinity)), typeof(ArgumentException), "target", "*[0, 1]*Infinity*"),
        new("MSE: null prediction", () => new MeanSquaredErrorLoss().Loss(null!, M(2, 2)), typeof(ArgumentNullException), "prediction", "*"),
        new("MSE gradient: null buffer", () => new MeanSquaredErrorLoss().Gradient(M(2, 2), M(2, 2), null!), typeof(ArgumentNullException), "gradient", "*"),
        new("MSE gradient: buffer shape", () => new MeanSquaredErrorLoss().Gradient(M(2, 2), M(2, 2), M(2, 3)), typeof(ArgumentException), "gradient", "*2 × 2*2 × 3*"),
        new("BCE gradient: null buffer", () => new BinaryCrossEntropyLoss().Gradient(M(2, 2), M(2, 2), null!), typeof(ArgumentNullException), "gradient", "*"),
        new("BCE: target above 1", () => new BinaryCrossEntropyLoss().Loss(M(1, 2), With(M(1, 2), 0, 0, 2f)), typeof(ArgumentException), "target", "*[0, 0] is 2*"),
        new("CE gradient: null buffer", () => new CrossEntropyLoss().Gradient(M(2, 2), OneHot, null!), typeof(ArgumentNullException), "gradient", "*"),
        new("CE: label too large", () => new CrossEntropyLoss().Loss(M(2, 3), [0, 3]), typeof(ArgumentOutOfRangeException), "labels", "*Label 1 is 3*0 … 2*3 classes*"),
        new("CE: negative label", () => new CrossEntropyLoss().Loss(M(2, 3), [-1, 0]), typeof(ArgumentOutOfRangeException), "labels", "*Label 0 is -1*"),
        new("CE: label count", () => new CrossEntropyLoss().Loss(M(2, 3), [0]), typeof(ArgumentException), "labels", "*1 labels for 2 predictions*"),

        // Sgd
        new("Sgd: learning rate 0", () => new Sgd(0f), typeof(ArgumentOutOfRangeException), "learningRate", "*greater than 0*was 0*"),
        new("Sgd: negative learning rate", () => new Sgd(-0.1f), typeof(ArgumentOutOfRangeException), "learningRate", "*was -0.1*"),
        new("Sgd: NaN learning rate", () => new Sgd(float.NaN), typeof(ArgumentOutOfRangeException), "learningRate", "*was NaN*"),
        new("Sgd: infinite learning rate", () => new Sgd(float.PositiveInfinity), typeof(ArgumentOutOfRangeException), "learningRate", "*was Infinity*"),
        new("Sgd: momentum 1", () => new Sgd(0.1f, momentum: 1f), typeof(ArgumentOutOfRangeException), "momentum", "*[0, 1)*was 1*"),
        new("Sgd: negative momentum", () => new Sgd(0.1f, momentum: -0.5f), typeof(ArgumentOutOfRangeException), "momentum", "*was -0.5*"),
        new("Sgd: NaN momentum", () => new Sgd(0.1f, momentum: float.NaN), typeof(ArgumentOutOfRangeException), "momentum", "*was NaN*"),
        new("Sgd: negative weight decay", () => new Sgd(0.1f, weightDecay: -1f), typeof(ArgumentOutOfRangeException), "weightDecay", "*was -1*"),
        new("Sgd: infinite weight decay", () => new Sgd(0.1f, weightDecay: float.PositiveInfinity), typeof(ArgumentOutOfRangeException), "weightDecay", "*was Infinity*"),
        new("Sgd: Nesterov without momentum", () => new Sgd(0.1f, nesterov: true), typeof(ArgumentException), "nesterov", "*momentum was 0*"),
        new("Sgd: learning rate set to 0", () => new Sgd(0.1f).LearningRate = 0f, typeof(ArgumentOutOfRangeException), "value", "*was 0*"),
        new("Sgd: step on null", () => new Sgd(0.1f).Step(null!), typeof(ArgumentNullException), "parameters", "*"),
        new("Sgd: step on a null parameter", () => new Sgd(0.1f).Step([null!]), typeof(ArgumentNullException), "parameters", "*"),

        // Dense
        new("Dense: zero inputs", () => new Dense(0, 3), typeof(ArgumentOutOfRangeException), "inputs", "*0*"),
        new("Dense: negative outputs", () => new Dense(3, -2), typeof(ArgumentOutOfRangeException), "outputs", "*-2*"),
        new("Dense: unknown initialisation", () => new Dense(3, 2, (WeightInitialization)99), typeof(ArgumentOutOfRangeException), "initialization", "*99*"),
        new("Dense: more weights than an array holds", () => new Dense(65_536, 65_537), typeof(ArgumentOutOfRangeException), "outputs", "*65536 × 65537*"),
        new("Dense.Predict: wrong width", () => new Dense(3, 4).Predict(M(2, 2)), typeof(ArgumentException), "input", "*Dense(3 → 4) expects 3 input columns*has 2*"),
        new("Dense.Backward: before Forward", () => new Dense(3, 4).Backward(M(2, 4)), typeof(InvalidOperationException), null, "*before Forward*"),

        // Parameter
        new("Parameter: null name", () => new Parameter(null!, M(1, 1), true), typeof(ArgumentNullException), "name", "*"),
        new("Parameter: blank name", () => new Parameter(" ", M(1, 1), true), typeof(ArgumentException), "name", "*"),
        new("Parameter: null value", () => new Parameter("w", null!, true), typeof(ArgumentNullException), "value", "*"),
        new("Parameter: empty value", () => new Parameter("w", M(0, 3), true), typeof(ArgumentException), "value", "*'w' is empty (0 × 3)*"),
        new("Parameter: sparse value", () => new Parameter("w", Matrix<float>.Build.Sparse(2, 2), true), typeof(ArgumentException), "value", "*dense*Sparse*"),

        // Mlp.Fit and its options
        new("Fit: epochs 0", () => Fit(new TrainingOptions { Epochs = 0 }), typeof(ArgumentException), "Epochs", "*Epochs*at least 1*was 0*"),
        new("Fit: batch size 0", () => Fit(new TrainingOptions { BatchSize = 0 }), typeof(ArgumentException), "BatchSize", "*BatchSize*at least 1*was 0*"),
        new("Fit: negative batch size", () => Fit(new TrainingOptions { BatchSize = -4 }), typeof(ArgumentException), "BatchSize", "*was -4*"),
        new("Fit: patience 0", () => Fit(new TrainingOptions { EarlyStoppingPatience = 0, ValidationInputs = M(2, 3), ValidationTargets = OneHot }), typeof(ArgumentException), "EarlyStoppingPatience", "*was 0*"),
        new("Fit: validation inputs without targets", () => Fit(new TrainingOptions { ValidationInputs = M(2, 3) }), typeof(ArgumentException), "ValidationTargets", "*ValidationInputs was set*ValidationTargets is null*"),
        new("Fit: NaN validation input", () => Fit(new TrainingOptions { ValidationInputs = With(M(2, 3), 1, 1, float.NaN), ValidationTargets = OneHot }), typeof(ArgumentException), "input", "*[1, 1]*NaN*"),
        new("Fit: NaN training input", () => Net().Fit(With(M(2, 3), 0, 2, float.NaN), OneHot, new CrossEntropyLoss(), new Sgd(0.1f), new TrainingOptions()), typeof(ArgumentException), "input", "*[0, 2]*NaN*"),
        new("Fit: target rows", () => Net().Fit(M(2, 3), M(3, 2), new MeanSquaredErrorLoss(), new Sgd(0.1f), new TrainingOptions()), typeof(ArgumentException), "targets", "*3 rows*inputs have 2*"),
        new("Fit: target columns", () => Net().Fit(M(2, 3), M(2, 7), new MeanSquaredErrorLoss(), new Sgd(0.1f), new TrainingOptions()), typeof(ArgumentException), "targets", "*7 columns*2 outputs*"),
        new("Fit: null options", () => Net().Fit(M(2, 3), OneHot, new CrossEntropyLoss(), new Sgd(0.1f), null!), typeof(ArgumentNullException), "options", "*"),

        // Adam and AdamW
        new("Adam: negative learning rate", () => new Adam(learningRate: -1e-3f), typeof(ArgumentOutOfRangeException), "learningRate", "*was -0.001*"),
        new("Adam: beta1 of 1", () => new Adam(beta1: 1f), typeof(ArgumentOutOfRangeException), "beta1", "*[0, 1)*was 1*"),
        new("Adam: negative beta2", () => new Adam(beta2: -0.1f), typeof(ArgumentOutOfRangeException), "beta2", "*was -0.1*"),
        new("Adam: epsilon 0", () => new Adam(epsilon: 0f), typeof(ArgumentOutOfRangeException), "epsilon", "*was 0*"),
        new("AdamW: negative weight decay", () => new AdamW(weightDecay: -0.01f), typeof(ArgumentOutOfRangeException), "weightDecay", "*was -0.01*"),

        // Metrics
        new("Accuracy: label counts differ", () => Metrics.Accuracy([0, 1], [0]), typeof(ArgumentException), "predicted", "*2 predicted labels*1 actual*"),
        new("Confusion matrix: label out of range", () => Metrics.ConfusionMatrix([0, 4], [0, 1], 3), typeof(ArgumentOutOfRangeException), "actual", "*Actual label 1 is 4*0 … 2*"),

        // Save and Load arguments
        new("Save: null stream", () => Net().Save((Stream)null!), typeof(ArgumentNullException), "stream", "*"),
        new("Save: blank path", () => Net().Save(" "), typeof(ArgumentException), "path", "*"),
        new("Load: null stream", () => Mlp.Load((Stream)null!), typeof(ArgumentNullException), "stream", "*"),
        new("Load: empty path", () => Mlp.Load(""), typeof(ArgumentException), "path", "*"),
    ];

    public static TheoryData<Case> All => new(Cases);

    [Theory]
    [MemberData(nameof(All))]
    public void Misuse_raises_a_clear_exception(Case row)
    {
        Exception thrown = row.Call.Should().Throw<Exception>(row.Name).Which;

        thrown.Should().BeOfType(row.Exception, "{0}: {1}", row.Name, thrown);
        if (row.Parameter is not null) ((ArgumentException)thrown).ParamName.Should().Be(row.Parameter, row.Name);
        thrown.Message.Should().Match(row.Message, row.Name);
    }

    [Fact]
    public void The_table_has_one_row_per_name() =>
        Cases.Select(c => c.Name).Should().OnlyHaveUniqueItems();
}
