// The computational graph of lecture §5: f(w, x) = 1/(1 + exp(−(w0 x0 + w1 x1 + w2))) built from the lecture's
// primitives f1 … f6, backpropagated, printed as a table and written as Graphviz DOT (and PNG when `dot` is installed).
// Usage: dotnet run --project samples/ComputationalGraph -c Release [output-folder]
using System.Diagnostics;
using NeuralNet.Graph;

static Node Named(Node node, string name)
{
    node.Name = name;
    return node;
}

Node w0 = Node.Variable(2, "w0"), x0 = Node.Variable(-1, "x0");
Node w1 = Node.Variable(-3, "w1"), x1 = Node.Variable(-2, "x1"), w2 = Node.Variable(-3, "w2");
Node f1a = Named(w0 * x0, "f1 (w0·x0)");
Node f1b = Named(w1 * x1, "f1 (w1·x1)");
Node f2a = Named(f1a + f1b, "f2");
Node f2b = Named(f2a + w2, "f2 (+ w2)");
Node f4 = Named(-f2b, "f4");
Node f5 = Named(Node.Exp(f4), "f5");
Node f3 = Named(f5 + 1, "f3");
Node f = Named(1 / f3, "f6 = f");

f.Backward();

Console.WriteLine("f(w, x) = 1/(1 + exp(-(w0 x0 + w1 x1 + w2))) at w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3");
Console.WriteLine();
Console.WriteLine($"{"node",-12} {"operation",-10} {"value",10} {"gradient ∂f/∂node",20}");
Console.WriteLine(new string('-', 55));
foreach (Node node in f.TopologicalOrder())
    Console.WriteLine($"{node.Name,-12} {node.Operation,-10} {node.Value,10:F4} {node.Gradient,20:F4}");

string folder = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
Directory.CreateDirectory(folder);
string dotPath = Path.Combine(folder, "computational-graph.dot");
File.WriteAllText(dotPath, f.ToDot());
Console.WriteLine();
Console.WriteLine($"wrote {dotPath}");

string pngPath = Path.ChangeExtension(dotPath, ".png");
string? dot = FindOnPath(OperatingSystem.IsWindows() ? "dot.exe" : "dot");
if (dot is null)
{
    Console.WriteLine("Graphviz 'dot' is not on the PATH, so no PNG was drawn; install Graphviz and run");
    Console.WriteLine($"  dot -Tpng \"{dotPath}\" -o \"{pngPath}\"");
    return 0;
}
using (Process process = Process.Start(dot, ["-Tpng", dotPath, "-o", pngPath]))
{
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        Console.Error.WriteLine($"'{dot}' failed with exit code {process.ExitCode}; no PNG was drawn.");
        return 1;
    }
}
Console.WriteLine($"wrote {pngPath}");
return 0;

static string? FindOnPath(string program) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, program))
        .FirstOrDefault(File.Exists);
