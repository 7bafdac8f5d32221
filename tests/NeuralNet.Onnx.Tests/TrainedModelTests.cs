using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;
using static NeuralNet.Onnx.Tests.OnnxRuntimeHarness;

namespace NeuralNet.Onnx.Tests;

/// <summary>Trained models on real inputs: the weights are no longer the initial ones, and the answers matter.</summary>
public class TrainedModelTests
{
    [Fact]
    public void Trained_xor_network_answers_the_truth_table_and_the_unit_square_as_Predict()
    {
        var x = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
        var y = Matrix<float>.Build.DenseOfArray(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });
        var model = new Mlp(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2), new Sigmoid());
        Train(model, x, y, new BinaryCrossEntropyLoss(), steps: 500, learningRate: 0.5f);
        using InferenceSession session = Session(model);

        Matrix<float> answers = Run(session, x);
        answers.Column(0).Select(p => p > 0.5f).Should().Equal([false, true, true, false], "the trained network solves XOR");
        ShouldAnswerAsPredict(session, model, x);

        // Every point of an 11 × 11 grid over the unit square, as one batch.
        var grid = Matrix<float>.Build.Dense(121, 2, (i, j) => (j == 0 ? i / 11 : i % 11) / 10f);
        ShouldAnswerAsPredict(session, model, grid);
    }

    [Fact]
    public void Trained_softmax_classifier_answers_as_Predict_on_its_data()
    {
        // Three Gaussian blobs in 4 dimensions, one-hot labels: a small, real classification problem.
        const int perClass = 40, classes = 3, features = 4;
        var random = new Random(7);
        var x = Matrix<float>.Build.Dense(perClass * classes, features);
        var y = Matrix<float>.Build.Dense(perClass * classes, classes);
        for (int i = 0; i < x.RowCount; i++)
        {
            int label = i % classes;
            y[i, label] = 1f;
            for (int j = 0; j < features; j++)
                x[i, j] = (j == label ? 2f : 0f) + (float)(random.NextDouble() - 0.5);
        }
        var model = new Mlp(new Dense(features, 12, seed: 3), new ReLU(), new Dense(12, classes, seed: 4), new Softmax());
        Train(model, x, y, new CrossEntropyLoss(), steps: 200, learningRate: 0.2f);
        using InferenceSession session = Session(model);

        Matrix<float> answers = Run(session, x);
        int correct = Enumerable.Range(0, x.RowCount).Count(i => answers.Row(i).MaximumIndex() == y.Row(i).MaximumIndex());
        correct.Should().BeGreaterThan(x.RowCount * 9 / 10, "the trained classifier separates the blobs");
        ShouldAnswerAsPredict(session, model, x);
    }

    private static void Train(Mlp model, Matrix<float> x, Matrix<float> y, ILoss loss, int steps, float learningRate)
    {
        var optimizer = new Sgd(learningRate, momentum: 0.9f);
        for (int step = 0; step < steps; step++)
        {
            model.ComputeGradients(x, y, loss);
            optimizer.Step(model.Parameters);
        }
    }
}
