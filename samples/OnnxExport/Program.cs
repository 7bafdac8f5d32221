// ONNX export: train XOR with NeuralNet, export it, and let ONNX Runtime answer with the same model.
using MathNet.Numerics.LinearAlgebra;
using Microsoft.ML.OnnxRuntime;
using NeuralNet;
using NeuralNet.Layers;
using NeuralNet.Losses;
using NeuralNet.Onnx;
using NeuralNet.Optimizers;

var inputs = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
var targets = Matrix<float>.Build.DenseOfArray(new float[,] { { 0 }, { 1 }, { 1 }, { 0 } });

var model = new Mlp(new Dense(2, 8, seed: 1), new Tanh(), new Dense(8, 1, seed: 2), new Sigmoid());
var optimizer = new Sgd(learningRate: 0.5f, momentum: 0.9f);
for (int step = 0; step < 500; step++)
{
    model.ComputeGradients(inputs, targets, new BinaryCrossEntropyLoss());
    optimizer.Step(model.Parameters);
}

string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "xor.onnx");
OnnxExporter.Export(model, path);
Console.WriteLine($"Trained {model} on XOR and exported it to {path} ({new FileInfo(path).Length} bytes).");

using var session = new InferenceSession(path);
var input = session.InputMetadata[OnnxExporter.InputName];
Console.WriteLine($"ONNX Runtime sees input '{OnnxExporter.InputName}' [{string.Join(", ", input.SymbolicDimensions.Zip(input.Dimensions, (s, d) => d < 0 ? s : d.ToString()))}], " +
                  $"producer '{session.ModelMetadata.ProducerName}'.");

// ONNX tensors are row-major; one sample per row, as in NeuralNet.
using var inputValue = OrtValue.CreateTensorValueFromMemory(inputs.ToRowMajorArray(), [inputs.RowCount, inputs.ColumnCount]);
using var runOptions = new RunOptions();
using var outputs = session.Run(runOptions, [OnnxExporter.InputName], [inputValue], [OnnxExporter.OutputName]);
ReadOnlySpan<float> fromOnnx = outputs[0].GetTensorDataAsSpan<float>();
Matrix<float> fromNeuralNet = model.Predict(inputs);

Console.WriteLine();
Console.WriteLine("x0  x1  target   Mlp.Predict   ONNX Runtime   |difference|");
float worst = 0;
for (int i = 0; i < inputs.RowCount; i++)
{
    float difference = MathF.Abs(fromNeuralNet[i, 0] - fromOnnx[i]);
    worst = MathF.Max(worst, difference);
    Console.WriteLine($"{inputs[i, 0],2}  {inputs[i, 1],2}  {targets[i, 0],6}   {fromNeuralNet[i, 0],11:F7}   {fromOnnx[i],12:F7}   {difference,12:0.0e+00}");
}
Console.WriteLine($"largest difference: {worst:0.0e+00}");
return worst <= 1e-5f ? 0 : 1;
