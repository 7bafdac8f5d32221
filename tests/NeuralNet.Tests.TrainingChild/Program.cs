// The child of the checkpoint tests: trains a scenario with checkpoints and says where it is on standard output, one
// line per batch ("batch <epoch> <batch>"), so the test can SIGKILL it at a moment it chooses.
//
//   NeuralNet.Tests.TrainingChild <scenario> <checkpoint path> [<epoch to wait in> <batch to wait after>]
//
// With the last two, the child stops after that batch (the checkpoint of an earlier epoch on disk, the weights moved on
// since) and prints "waiting" until it is killed; without them it trains to the end and prints "done".
using NeuralNet.Training;
using NeuralNet.Tests.TrainingChild;

string scenario = args[0], path = args[1];
(int Epoch, int Batch)? wait = args.Length >= 4 ? (int.Parse(args[2]), int.Parse(args[3])) : null;
Scenarios.Build(scenario, new Scenarios.Extras(new CheckpointOptions(path) { EveryEpochs = Scenarios.CheckpointEvery }, Callbacks: [new Reporter(wait)])).Fit();
Console.Out.WriteLine("done");
return 0;

sealed class Reporter((int Epoch, int Batch)? wait) : ITrainingCallback
{
    public void OnBatchEnd(TrainingContext context, BatchResult batch)
    {
        Console.Out.WriteLine($"batch {batch.Epoch} {batch.Batch}");
        Console.Out.Flush();
        if (wait is { } w && (batch.Epoch, batch.Batch) == w)
        {
            Console.Out.WriteLine("waiting");
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
