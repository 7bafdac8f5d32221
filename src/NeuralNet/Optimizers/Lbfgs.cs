using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using NeuralNet.Serialization;

namespace NeuralNet.Optimizers;

/// <summary>
/// Limited-memory BFGS, PyTorch's <c>torch.optim.LBFGS</c>: its algorithm, defaults and state, on all parameters as one
/// vector. Each <see cref="Step(IReadOnlyList{Parameter}, Func{float})"/> runs up to <see cref="MaxIterations"/>
/// quasi-Newton iterations and calls the closure to re-evaluate the loss and gradients, so it needs the whole batch
/// (or a large one) every time: it is the method of small, deterministic problems.
/// </summary>
/// <remarks>
/// <para>
/// An iteration stores the last step s and gradient change y (when yᵀs &gt; 10⁻¹⁰, keeping the newest
/// <see cref="HistorySize"/>), takes the direction d = −H g by the two-loop recursion with H₀ = (yᵀs / yᵀy) I, and moves
/// by t d with t = η (without a line search) or the strong-Wolfe step. It stops early when max |g| ≤
/// <see cref="ToleranceGrad"/>, when gᵀd, max |t d| or the change of the loss falls below <see cref="ToleranceChange"/>,
/// or after <see cref="MaxEvaluations"/> evaluations in the step.
/// </para>
/// <para>
/// With <see cref="WeightDecay"/> λ &gt; 0 the objective is the closure's loss + ½λ Σ W² over weights (biases are not
/// decayed), its gradient g = ∇L + λW, as for the other optimizers; PyTorch's LBFGS has no decay, and with λ = 0 this is
/// its algorithm. Dot products, the two-loop coefficients and the line search run in double; the vectors (parameters,
/// gradients, s, y, d) are float, kept in arrays reused from step to step, so a warm step allocates nothing.
/// </para>
/// <para>
/// It is not an ordinary <see cref="IOptimizer"/>: <see cref="IOptimizer.Step"/> without a closure throws.
/// <see cref="Mlp.Fit"/> recognises it and steps it with a closure over each batch. A closure that returns a non-finite
/// loss ends the step at once, with the parameters put back as they were before it. Not thread-safe.
/// </para>
/// </remarks>
public sealed class Lbfgs : ILearningRateOptimizer, IStatefulOptimizer
{
    // PyTorch's _strong_wolfe constants. LBFGS.step does not pass its tolerance_change on, so the zoom stops on a bracket
    // narrower than _strong_wolfe's own default, whatever ToleranceChange is.
    private const double C1 = 1e-4, C2 = 0.9, BracketTolerance = 1e-9;
    private const int MaxLineSearch = 25;

    private IReadOnlyList<Parameter> _parameters = [];
    private Func<float>? _closure;
    private int _length = -1;                       // Σ parameter counts, fixed by the first step or load
    private float[] _flatGrad = [], _prevFlatGrad = [], _d = [], _start = [], _x = [], _gNew = [], _gPrev = [];
    private readonly float[][] _bracketGradient = new float[2][];
    private float[]? _yNew, _sNew;                  // the candidate pair, swapped into the history when accepted
    private readonly float[]?[] _oldDirs, _oldStps; // y and s, a ring of HistorySize from _head; slots sized on first use
    private readonly double[] _ro, _al;
    private int _head, _count;
    private double _t, _hDiag = 1, _prevLoss;
    private long _funcEvals, _nIter;

    /// <summary>Creates the optimizer with PyTorch's defaults.</summary>
    /// <param name="learningRate">η, greater than 0 and finite: the step length without a line search, the first trial step with one.</param>
    /// <param name="maxIterations">Iterations per step (PyTorch's <c>max_iter</c>), at least 1.</param>
    /// <param name="maxEvaluations">Loss evaluations per step (<c>max_eval</c>), at least 1; null for ⌊5·<paramref name="maxIterations"/>/4⌋.</param>
    /// <param name="toleranceGrad">Stop when max |g| ≤ this (<c>tolerance_grad</c>), at least 0.</param>
    /// <param name="toleranceChange">
    /// Stop when the loss, gᵀd or the step changes less (<c>tolerance_change</c>), at least 0. The strong-Wolfe zoom's own
    /// bracket tolerance stays 10⁻⁹, as in PyTorch.
    /// </param>
    /// <param name="historySize">Pairs (s, y) kept (<c>history_size</c>), at least 1.</param>
    /// <param name="lineSearch">None (a fixed step) or strong Wolfe.</param>
    /// <param name="weightDecay">λ, at least 0 and finite; applies to weights only (not in PyTorch's LBFGS).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyper-parameter is out of range.</exception>
    public Lbfgs(float learningRate = 1f, int maxIterations = 20, int? maxEvaluations = null, double toleranceGrad = 1e-7,
                 double toleranceChange = 1e-9, int historySize = 100, LbfgsLineSearch lineSearch = LbfgsLineSearch.None,
                 float weightDecay = 0f)
    {
        LearningRate = HyperParameters.LearningRate(learningRate);
        MaxIterations = HyperParameters.AtLeastOne(maxIterations, nameof(maxIterations), "The iteration count");
        MaxEvaluations = HyperParameters.AtLeastOne(maxEvaluations ?? maxIterations * 5 / 4, nameof(maxEvaluations), "The evaluation count");
        ToleranceGrad = HyperParameters.NonNegative(toleranceGrad, nameof(toleranceGrad), "The gradient tolerance");
        ToleranceChange = HyperParameters.NonNegative(toleranceChange, nameof(toleranceChange), "The change tolerance");
        HistorySize = HyperParameters.AtLeastOne(historySize, nameof(historySize), "The history size");
        if (!Enum.IsDefined(lineSearch))
            throw new ArgumentOutOfRangeException(nameof(lineSearch), lineSearch, $"The line search must be None or StrongWolfe, but was {lineSearch}.");
        LineSearch = lineSearch;
        WeightDecay = HyperParameters.NonNegative(weightDecay, nameof(weightDecay), "Weight decay");
        _oldDirs = new float[HistorySize][];
        _oldStps = new float[HistorySize][];
        _ro = new double[HistorySize];
        _al = new double[HistorySize];
    }

    /// <summary>η. Settable between steps, for learning-rate schedules.</summary>
    public float LearningRate { get; set => field = HyperParameters.LearningRate(value, nameof(value)); }

    /// <summary>Iterations per step, PyTorch's <c>max_iter</c>.</summary>
    public int MaxIterations { get; }

    /// <summary>Loss evaluations per step, PyTorch's <c>max_eval</c>.</summary>
    public int MaxEvaluations { get; }

    /// <summary>PyTorch's <c>tolerance_grad</c>.</summary>
    public double ToleranceGrad { get; }

    /// <summary>PyTorch's <c>tolerance_change</c>.</summary>
    public double ToleranceChange { get; }

    /// <summary>PyTorch's <c>history_size</c>.</summary>
    public int HistorySize { get; }

    /// <summary>PyTorch's <c>line_search_fn</c>.</summary>
    public LbfgsLineSearch LineSearch { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>Closure calls over all steps so far, PyTorch's <c>func_evals</c>.</summary>
    public long FunctionEvaluations => _funcEvals;

    /// <summary>Iterations over all steps so far, PyTorch's <c>n_iter</c>.</summary>
    public long Iterations => _nIter;

    /// <summary>Always throws: L-BFGS re-evaluates the loss within a step, so it needs a closure.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    void IOptimizer.Step(IReadOnlyList<Parameter> parameters) =>
        throw new InvalidOperationException("L-BFGS re-evaluates the loss within a step: call Lbfgs.Step(parameters, closure), with a closure that computes the gradients on the batch and returns its loss (Mlp.Fit does so).");

    /// <summary>One optimization step, PyTorch's <c>step(closure)</c>: up to <see cref="MaxIterations"/> iterations.</summary>
    /// <param name="parameters">The parameters, usually <see cref="Mlp.Parameters"/>; the same ones (in number) at every step.</param>
    /// <param name="closure">
    /// Computes every parameter's <see cref="Parameter.Gradient"/> at the current values on the batch and returns the loss,
    /// such as <c>() =&gt; model.ComputeGradients(x, y, loss)</c>.
    /// </param>
    /// <returns>
    /// The closure's loss at the parameters the step started from (as PyTorch returns it); or, when an objective (the
    /// closure's loss plus the decay term) was not finite, that objective, the step having stopped there with the
    /// parameters it started from.
    /// </returns>
    /// <exception cref="ArgumentException">The parameters hold another number of values than at the first step.</exception>
    public float Step(IReadOnlyList<Parameter> parameters, Func<float> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        Bind(parameters);
        _closure = closure;
        try
        {
            Gather(_start);
            return Iterate();
        }
        catch (NonFiniteLossException diverged)
        {
            Restore(_start);
            return diverged.Loss;
        }
        finally
        {
            _closure = null;
        }
    }

    /// <summary>PyTorch's <c>LBFGS.step</c> after the closure is set: its loop, checks and state, in its order.</summary>
    private float Iterate()
    {
        double loss = Evaluate(_flatGrad, out float originalLoss);
        int currentEvals = 1;
        _funcEvals++;
        bool optimal = MaxAbs(_flatGrad) <= ToleranceGrad;
        if (optimal) return originalLoss;

        for (int nIter = 1; nIter <= MaxIterations; nIter++)
        {
            _nIter++;
            if (_nIter == 1)
            {
                TensorPrimitives.Negate(_flatGrad, _d);
                _count = _head = 0;
                _hDiag = 1;
            }
            else
            {
                UpdateHistory();
                TwoLoop();
            }
            _flatGrad.CopyTo(_prevFlatGrad, 0);
            _prevLoss = loss;

            _t = _nIter == 1 ? Math.Min(1.0, 1.0 / SumAbs(_flatGrad)) * LearningRate : LearningRate;
            double gtd = Dot(_flatGrad, _d);
            if (gtd > -ToleranceChange) break;

            int lineSearchEvals = 0;
            if (LineSearch == LbfgsLineSearch.StrongWolfe)
            {
                Gather(_x);
                (loss, _t, lineSearchEvals) = StrongWolfe(loss, gtd);
                Scatter(_x, _t, _d);
                optimal = MaxAbs(_flatGrad) <= ToleranceGrad;
            }
            else
            {
                Scatter(null, _t, _d);
                // Not after the last iteration: the next step's closure evaluates there anyway.
                if (nIter != MaxIterations)
                {
                    loss = Evaluate(_flatGrad, out _);
                    optimal = MaxAbs(_flatGrad) <= ToleranceGrad;
                    lineSearchEvals = 1;
                }
            }
            currentEvals += lineSearchEvals;
            _funcEvals += lineSearchEvals;

            if (nIter == MaxIterations || currentEvals >= MaxEvaluations || optimal) break;
            if (MaxAbs(_d) * Math.Abs(_t) <= ToleranceChange) break;
            if (Math.Abs(loss - _prevLoss) < ToleranceChange) break;
        }
        return originalLoss;
    }

    /// <summary>y = g − g_prev, s = t d; the pair joins the history (the oldest leaving a full one) when yᵀs &gt; 10⁻¹⁰.</summary>
    private void UpdateHistory()
    {
        float[] y = _yNew ??= new float[_length], s = _sNew ??= new float[_length];
        TensorPrimitives.Subtract(_flatGrad, _prevFlatGrad, y);
        TensorPrimitives.Multiply(_d, (float)_t, s);
        double ys = Dot(y, s);
        if (ys <= 1e-10) return;
        int slot;
        if (_count == HistorySize)
        {
            slot = _head;
            _head = (_head + 1) % HistorySize;
        }
        else
        {
            slot = _count++;
        }
        (_oldDirs[slot], _yNew) = (y, _oldDirs[slot]);
        (_oldStps[slot], _sNew) = (s, _oldStps[slot]);
        _ro[slot] = 1.0 / ys;
        _hDiag = ys / Dot(y, y);
    }

    /// <summary>d = −H g by the two-loop recursion over the history, oldest to newest, in one buffer.</summary>
    private void TwoLoop()
    {
        float[] q = _d;
        TensorPrimitives.Negate(_flatGrad, q);
        for (int i = _count - 1; i >= 0; i--)
        {
            int slot = Slot(i);
            _al[i] = Dot(_oldStps[slot]!, q) * _ro[slot];
            TensorPrimitives.MultiplyAdd(_oldDirs[slot]!, (float)-_al[i], q, q);
        }
        TensorPrimitives.Multiply(q, (float)_hDiag, q);
        for (int i = 0; i < _count; i++)
        {
            int slot = Slot(i);
            double beta = Dot(_oldDirs[slot]!, q) * _ro[slot];
            TensorPrimitives.MultiplyAdd(_oldStps[slot]!, (float)(_al[i] - beta), q, q);
        }
    }

    private int Slot(int i) => (_head + i) % HistorySize;

    /// <summary>
    /// PyTorch's <c>_strong_wolfe</c> from the parameters <see cref="_x"/> along <see cref="_d"/>, first trial step
    /// <see cref="_t"/>, loss <paramref name="f"/> and slope <paramref name="gtd"/> at t = 0 (gradient
    /// <see cref="_flatGrad"/>). Leaves the accepted point's gradient in <see cref="_flatGrad"/>.
    /// </summary>
    private (double Loss, double T, int Evaluations) StrongWolfe(double f, double gtd)
    {
        double dNorm = MaxAbs(_d);
        double t = _t;
        _flatGrad.CopyTo(_gPrev, 0);
        double fNew = Trial(t, out double gtdNew);
        int evaluations = 1;

        // The bracket: one point when the first phase already satisfies the conditions, else two.
        Span<double> bracket = stackalloc double[2], bracketF = stackalloc double[2], bracketGtd = stackalloc double[2];
        float[][] bracketG = _bracketGradient;
        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        bool done = false;
        int iteration = 0;
        while (iteration < MaxLineSearch)
        {
            // PyTorch's order: no sufficient decrease brackets; else the curvature condition ends it; else an uphill slope brackets.
            bool wolfe = Math.Abs(gtdNew) <= -C2 * gtd;
            if (fNew > f + C1 * t * gtd || (iteration > 1 && fNew >= fPrev) || (!wolfe && gtdNew >= 0))
            {
                (bracket[0], bracket[1], bracketF[0], bracketF[1], bracketGtd[0], bracketGtd[1]) = (tPrev, t, fPrev, fNew, gtdPrev, gtdNew);
                _gPrev.CopyTo(bracketG[0], 0);
                _gNew.CopyTo(bracketG[1], 0);
                break;
            }
            if (wolfe)
            {
                (bracket[0], bracketF[0], bracket[1], bracketF[1]) = (t, fNew, t, fNew);
                _gNew.CopyTo(bracketG[0], 0);
                done = true;
                break;
            }

            // Extrapolate: a cubic step within [t + 0.01 (t − t_prev), 10 t].
            double next = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, t + 0.01 * (t - tPrev), t * 10);
            (tPrev, fPrev, gtdPrev) = (t, fNew, gtdNew);
            _gNew.CopyTo(_gPrev, 0);
            t = next;
            fNew = Trial(t, out gtdNew);
            evaluations++;
            iteration++;
        }
        if (iteration == MaxLineSearch)
        {
            (bracket[0], bracket[1], bracketF[0], bracketF[1]) = (0, t, f, fNew);
            _flatGrad.CopyTo(bracketG[0], 0);
            _gNew.CopyTo(bracketG[1], 0);
        }

        // Zoom: shrink the bracket until a point meets the conditions.
        bool insufficientProgress = false;
        int low = bracketF[0] <= bracketF[1] ? 0 : 1, high = 1 - low;
        while (!done && iteration < MaxLineSearch)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < BracketTolerance) break;
            double max = Math.Max(bracket[0], bracket[1]), min = Math.Min(bracket[0], bracket[1]);
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1], min, max);

            // Too close to an end twice running, or outside: move it a tenth of the bracket inside.
            double eps = 0.1 * (max - min);
            if (Math.Min(max - t, t - min) < eps)
            {
                if (insufficientProgress || t >= max || t <= min)
                {
                    t = Math.Abs(t - max) < Math.Abs(t - min) ? max - eps : min + eps;
                    insufficientProgress = false;
                }
                else
                {
                    insufficientProgress = true;
                }
            }
            else
            {
                insufficientProgress = false;
            }

            fNew = Trial(t, out gtdNew);
            evaluations++;
            iteration++;

            if (fNew > f + C1 * t * gtd || fNew >= bracketF[low])
            {
                (bracket[high], bracketF[high], bracketGtd[high]) = (t, fNew, gtdNew);
                _gNew.CopyTo(bracketG[high], 0);
                (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -C2 * gtd)
                {
                    done = true;
                }
                else if (gtdNew * (bracket[high] - bracket[low]) >= 0)
                {
                    // The old high becomes the new low's partner on the other side.
                    (bracket[high], bracketF[high], bracketGtd[high]) = (bracket[low], bracketF[low], bracketGtd[low]);
                    bracketG[low].CopyTo(bracketG[high], 0);
                }
                (bracket[low], bracketF[low], bracketGtd[low]) = (t, fNew, gtdNew);
                _gNew.CopyTo(bracketG[low], 0);
            }
        }

        bracketG[low].CopyTo(_flatGrad, 0);
        return (bracketF[low], bracket[low], evaluations);
    }

    /// <summary>
    /// The minimiser of the cubic through (x₁, f₁, g₁) and (x₂, f₂, g₂), clamped to [<paramref name="lower"/>,
    /// <paramref name="upper"/>]; the bounds' midpoint when the cubic has no minimum. PyTorch's <c>_cubic_interpolate</c>.
    /// </summary>
    internal static double CubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, double lower, double upper)
    {
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (!(d2Square >= 0)) return (lower + upper) / 2;
        double d2 = Math.Sqrt(d2Square);
        double minimum = x1 <= x2
            ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
        return Math.Min(Math.Max(minimum, lower), upper);
    }

    /// <summary>A line-search trial: the objective at x + t d, its gradient in <see cref="_gNew"/> and its slope gᵀd.</summary>
    private double Trial(double t, out double gtdNew)
    {
        double fNew = EvaluateAt(t, _gNew);
        gtdNew = Dot(_gNew, _d);
        LineSearchTrace?.Invoke(t, fNew, gtdNew);
        return fNew;
    }

    /// <summary>
    /// Called with (t, f, gᵀd) at every strong-Wolfe trial, as PyTorch's <c>_strong_wolfe</c> sees them: the tests compare
    /// the sequence with torch's.
    /// </summary>
    internal Action<double, double, double>? LineSearchTrace { get; set; }

    /// <summary>The pairs (s, y) held now (PyTorch's <c>len(old_dirs)</c>).</summary>
    internal int HistoryCount => _count;

    /// <summary>The objective and its gradient at x + t d (parameters left there).</summary>
    private double EvaluateAt(double t, float[] gradient)
    {
        Scatter(_x, t, _d);
        return Evaluate(gradient, out _);
    }

    /// <summary>Calls the closure: the objective (loss + ½λ Σ W²) and its flat gradient ∇L + λW.</summary>
    /// <exception cref="NonFiniteLossException">The objective is not finite.</exception>
    private double Evaluate(float[] gradient, out float loss)
    {
        loss = _closure!();
        double objective = loss;
        int offset = 0;
        for (int k = 0; k < _parameters.Count; k++)
        {
            Parameter parameter = _parameters[k];
            var g = gradient.AsSpan(offset, parameter.Count);
            parameter.Gradient.AsColumnMajorArray().AsSpan(0, parameter.Count).CopyTo(g);
            if (WeightDecay != 0f && parameter.IsWeight)
            {
                float[] theta = parameter.Value.AsColumnMajorArray();
                TensorPrimitives.MultiplyAdd(theta, WeightDecay, g, g);
                objective += 0.5 * WeightDecay * Dot(theta, theta);
            }
            offset += parameter.Count;
        }
        return double.IsFinite(objective) ? objective : throw new NonFiniteLossException((float)objective);
    }

    /// <summary>Copies the parameters into one flat vector.</summary>
    private void Gather(float[] flat)
    {
        int offset = 0;
        for (int k = 0; k < _parameters.Count; k++)
        {
            Parameter parameter = _parameters[k];
            parameter.Value.AsColumnMajorArray().AsSpan(0, parameter.Count).CopyTo(flat.AsSpan(offset));
            offset += parameter.Count;
        }
    }

    /// <summary>Sets the parameters to the flat vector <paramref name="flat"/>.</summary>
    private void Restore(float[] flat)
    {
        int offset = 0;
        for (int k = 0; k < _parameters.Count; k++)
        {
            Parameter parameter = _parameters[k];
            flat.AsSpan(offset, parameter.Count).CopyTo(parameter.Value.AsColumnMajorArray());
            offset += parameter.Count;
        }
    }

    /// <summary>Sets the parameters to <paramref name="origin"/> + t d, or adds t d to them when <paramref name="origin"/> is null.</summary>
    private void Scatter(float[]? origin, double t, float[] d)
    {
        int offset = 0;
        for (int k = 0; k < _parameters.Count; k++)
        {
            Parameter parameter = _parameters[k];
            int count = parameter.Count;
            var theta = parameter.Value.AsColumnMajorArray().AsSpan(0, count);
            ReadOnlySpan<float> from = origin is null ? theta : origin.AsSpan(offset, count);
            TensorPrimitives.MultiplyAdd(d.AsSpan(offset, count), (float)t, from, theta);
            offset += count;
        }
    }

    /// <summary>Sizes the flat buffers on first use; the parameters must keep their total size.</summary>
    private void Bind(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int length = 0;
        for (int k = 0; k < parameters.Count; k++)
        {
            ArgumentNullException.ThrowIfNull(parameters[k], nameof(parameters));
            length += parameters[k].Count;
        }
        _parameters = parameters;
        if (length == _length) return;
        if (_length >= 0)
            throw new ArgumentException($"L-BFGS holds state for {_length} parameter values, but these parameters have {length}.", nameof(parameters));
        _length = length;
        _flatGrad = new float[length];
        _prevFlatGrad = new float[length];
        _d = new float[length];
        _start = new float[length];
        _x = new float[length];
        _gNew = new float[length];
        _gPrev = new float[length];
        _bracketGradient[0] = new float[length];
        _bracketGradient[1] = new float[length];
    }

    /// <summary>Σ aᵢbᵢ accumulated in double: each float pair widened, multiplied and summed in SIMD lanes of doubles.</summary>
    /// <remarks>The two-loop recursion's cost is 2·history such products per iteration, so they must run at SIMD speed.</remarks>
    internal static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            ReadOnlySpan<Vector<float>> va = MemoryMarshal.Cast<float, Vector<float>>(a), vb = MemoryMarshal.Cast<float, Vector<float>>(b[..a.Length]);
            Vector<double> low = Vector<double>.Zero, high = Vector<double>.Zero;
            for (int k = 0; k < va.Length; k++)
            {
                Vector.Widen(va[k], out Vector<double> aLow, out Vector<double> aHigh);
                Vector.Widen(vb[k], out Vector<double> bLow, out Vector<double> bHigh);
                low = Vector.FusedMultiplyAdd(aLow, bLow, low);
                high = Vector.FusedMultiplyAdd(aHigh, bHigh, high);
            }
            sum = Vector.Sum(low + high);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++) sum += (double)a[i] * b[i];
        return sum;
    }

    private static double SumAbs(ReadOnlySpan<float> a)
    {
        double sum = 0;
        foreach (float v in a) sum += Math.Abs(v);
        return sum;
    }

    // NaN when any value is NaN, so a tolerance test on it fails.
    private static double MaxAbs(ReadOnlySpan<float> a) => a.IsEmpty ? 0 : Math.Abs(TensorPrimitives.MaxMagnitude(a));

    void IStatefulOptimizer.SaveState(IReadOnlyList<Parameter> parameters, StateDict state)
    {
        state.Add("lr", LearningRate);
        state.Add("max_iter", MaxIterations);
        state.Add("max_eval", MaxEvaluations);
        state.Add("tolerance_grad", ToleranceGrad);
        state.Add("tolerance_change", ToleranceChange);
        state.Add("history_size", HistorySize);
        state.Add("line_search_fn", (long)LineSearch);
        state.Add("weight_decay", WeightDecay);
        state.Add("func_evals", _funcEvals);
        state.Add("n_iter", _nIter);
        if (_nIter == 0) return;
        state.Add("d", _d);
        state.Add("t", _t);
        state.Add("H_diag", _hDiag);
        state.Add("prev_flat_grad", _prevFlatGrad);
        state.Add("prev_loss", _prevLoss);
        state.Add("history", _count);
        for (int i = 0; i < _count; i++)
        {
            int slot = Slot(i);
            state.Add(StateDict.BufferKey(OldDirs, i), _oldDirs[slot]!);
            state.Add(StateDict.BufferKey(OldStps, i), _oldStps[slot]!);
            state.Add(StateDict.BufferKey(Ro, i), _ro[slot]);
        }
    }

    void IStatefulOptimizer.LoadState(IReadOnlyList<Parameter> parameters, StateDict state)
    {
        state.RequireSame("max_iter", MaxIterations, nameof(Lbfgs), "optimizer");
        state.RequireSame("max_eval", MaxEvaluations, nameof(Lbfgs), "optimizer");
        state.RequireSame("tolerance_grad", ToleranceGrad, nameof(Lbfgs), "optimizer");
        state.RequireSame("tolerance_change", ToleranceChange, nameof(Lbfgs), "optimizer");
        state.RequireSame("history_size", HistorySize, nameof(Lbfgs), "optimizer");
        state.RequireSame("line_search_fn", (long)LineSearch, nameof(Lbfgs), "optimizer");
        state.RequireSame("weight_decay", WeightDecay, nameof(Lbfgs), "optimizer");
        LearningRate = state.GetFinite("lr", positive: true);
        Bind(parameters);
        _funcEvals = state.GetInt64("func_evals");
        _nIter = state.GetInt64("n_iter");
        _count = _head = 0;
        _hDiag = 1;
        if (_nIter == 0) return;
        FlatVector(state, "d").CopyTo(_d, 0);
        _t = state.GetDouble("t");
        _hDiag = state.GetDouble("H_diag");
        FlatVector(state, "prev_flat_grad").CopyTo(_prevFlatGrad, 0);
        _prevLoss = state.GetDouble("prev_loss");
        _count = state.GetInt32("history", 0, HistorySize);
        for (int i = 0; i < _count; i++)
        {
            _oldDirs[i] = FlatVector(state, StateDict.BufferKey(OldDirs, i));
            _oldStps[i] = FlatVector(state, StateDict.BufferKey(OldStps, i));
            _ro[i] = state.GetDouble(StateDict.BufferKey(Ro, i));
        }
    }

    /// <summary>A flat vector of the parameters' total length.</summary>
    private float[] FlatVector(StateDict state, string key)
    {
        float[] values = state.GetFloats(key);
        return values.Length == _length
            ? values
            : throw new InvalidDataException($"{state.Path}/{key} holds {values.Length} values but the parameters have {_length}.");
    }

    // PyTorch's names: old_dirs are the gradient changes y, old_stps the steps s, ro their 1/yᵀs.
    private const string OldDirs = "old_dirs", OldStps = "old_stps", Ro = "ro";

    /// <summary>Ends a step whose closure returned a non-finite loss: thrown and caught inside <see cref="Step(IReadOnlyList{Parameter}, Func{float})"/>.</summary>
    private sealed class NonFiniteLossException(float loss) : Exception
    {
        internal float Loss { get; } = loss;
    }
}
