// LectureMlp: the lecture's 3 → 4 → 3 → 2 ReLU/ReLU/softmax network with cross-entropy — every forward value
// and every gradient, from the library and from the lecture's closed-form backward formulas, side by side.
using NeuralNet.Samples;
using Spectre.Console;

AnsiConsole.MarkupLine("[bold]The lecture's MLP[/]: x (3) → W(i) 4 → ReLU → W(j) 3 → ReLU → W(k) 2 → softmax, cross-entropy, one sample.");
var quantities = LectureMlpSample.Run();
var table = new Table().AddColumn("quantity").AddColumn("library").AddColumn("lecture's formula").AddColumn(new TableColumn("max |Δ|").RightAligned());
foreach (var q in quantities)
    table.AddRow(Markup.Escape(q.Name), Format(q.Library), Format(q.Lecture), $"{q.MaxDifference:E1}");
AnsiConsole.Write(table);
double worst = quantities.Max(q => q.MaxDifference);
AnsiConsole.MarkupLine($"largest difference: {worst:E2} (float32 library against double formulas)");
return worst < 1e-5 ? 0 : 1;

static string Format(double[] values) => string.Join(" ", values.Select(v => (Math.Abs(v) < 5e-6 ? 0.0 : v).ToString("+0.00000;-0.00000")));
