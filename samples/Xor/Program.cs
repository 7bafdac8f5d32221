// XOR: the classic problem a single linear unit cannot solve and one hidden layer can.
using MathNet.Numerics.LinearAlgebra;
using NeuralNet;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Optimizers;

var inputs = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
var targets = Matrix<float>.Build.DenseOfArray(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });

var model = new Mlp(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2), new Sigmoid());
var loss = new BinaryCrossEntropyLoss();
var optimizer = new Sgd(learningRate: 0.5f, momentum: 0.9f);

Console.WriteLine($"Training {model} on XOR with SGD (η = 0.5, μ = 0.9) and binary cross-entropy.");
for (int epoch = 1; epoch <= 500; epoch++)
{
    float value = model.ComputeGradients(inputs, targets, loss);
    optimizer.Step(model.Parameters);
    if (epoch is 1 or 10 or 50 or 100 or 200 or 500) Console.WriteLine($"epoch {epoch,4}: loss {value:F6}");
}

var predictions = model.Predict(inputs);
int correct = 0;
for (int i = 0; i < inputs.RowCount; i++)
{
    bool predicted = predictions[i, 0] > 0.5f, expected = targets[i, 0] > 0.5f;
    if (predicted == expected) correct++;
    Console.WriteLine($"{inputs[i, 0]} XOR {inputs[i, 1]} = {targets[i, 0]}   predicted {predictions[i, 0]:F4}");
}
Console.WriteLine($"accuracy: {correct}/{inputs.RowCount} ({100.0 * correct / inputs.RowCount:F0}%)");
return correct == inputs.RowCount ? 0 : 1;
