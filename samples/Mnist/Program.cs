// MNIST: the full 60,000 / 10,000 set with a 784 → 256 → 128 → 10 network; prints accuracy and throughput.
using NeuralNet.Samples;
using Spectre.Console;

var options = new MnistSample.Options();
AnsiConsole.MarkupLine($"[bold]MNIST[/]: 60,000 training and 10,000 test images, 784 → {options.Hidden} → {options.Hidden2} ReLU → 10 softmax, Adam with exponential decay, {options.Epochs} epochs.");
if (!NeuralNet.Data.Mnist.IsPresent(options.Directory))
{
    Console.Error.WriteLine(MnistSample.MissingFilesMessage(options.Directory));
    return 2;
}
var result = SampleConsole.Train("training", options.Epochs, progress => MnistSample.Run(options, progress))!;
foreach (var e in result.History.Epochs)
    AnsiConsole.MarkupLine($"epoch {e.Epoch}: loss {e.TrainingLoss:F4}, test accuracy {e.ValidationAccuracy:P2}, η {e.LearningRate:G3}, {e.Elapsed.TotalSeconds:F1} s");
AnsiConsole.MarkupLine($"[bold]test accuracy: {result.TestAccuracy:P2}[/] on {result.TestCount:N0} images");
AnsiConsole.MarkupLine($"throughput: [bold]{result.SamplesPerSecond:N0} samples/s[/] ({result.TrainCount:N0} × {result.History.Epochs.Count} epochs in {result.TrainingTime.TotalSeconds:F1} s, validation included)");
AnsiConsole.MarkupLine($"loss curves: {result.PlotPath}");
return result.TestAccuracy >= 0.98f ? 0 : 1;
