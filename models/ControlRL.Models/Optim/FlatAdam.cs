using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Optim;

/// <summary>
/// Adam (PyTorch's update rule, no weight decay, no amsgrad) over all parameters at once, plus global-norm
/// gradient clipping. PPO's minibatches are small (CleanRL: 64), so per-parameter optimizer calls dominate an
/// update; gathering gradients into one flat vector turns ~15 small ops per parameter into a handful per step.
/// Its state (m, v, step) is plain tensors, so checkpoints hold it exactly.
/// </summary>
public sealed class FlatAdam : IDisposable
{
    private readonly Parameter[] _params;
    private readonly long[] _offsets;
    private readonly Tensor _m;
    private readonly Tensor _v;
    private readonly Tensor _grad;

    public FlatAdam(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        _params = parameters.Where(p => p.requires_grad).ToArray();
        if (_params.Length == 0) throw new ArgumentException("FlatAdam needs at least one trainable parameter.");
        _offsets = new long[_params.Length + 1];
        for (int i = 0; i < _params.Length; i++) _offsets[i + 1] = _offsets[i] + _params[i].numel();
        var device = _params[0].device;
        _m = zeros(_offsets[^1], device: device);
        _v = zeros(_offsets[^1], device: device);
        _grad = zeros(_offsets[^1], device: device);
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    public double LearningRate { get; set; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public long StepCount { get; private set; }
    public long ParameterCount => _offsets[^1];

    public void ZeroGrad()
    {
        foreach (var p in _params)
        {
            var g = p.grad;
            if (g is not null) g.zero_();
        }
    }

    /// <summary>
    /// Clips the global gradient norm to <paramref name="maxNorm"/> (as clip_grad_norm_) and applies one Adam
    /// step. Returns the gradient norm before clipping.
    /// </summary>
    public double Step(double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < _params.Length; i++)
        {
            var g = _params[i].grad;
            var dst = _grad.narrow(0, _offsets[i], _offsets[i + 1] - _offsets[i]);
            if (g is null) dst.zero_();
            else dst.copy_(g.reshape(-1));
        }
        var norm = _grad.norm();
        double normValue = norm.item<float>();
        if (maxNorm > 0 && double.IsFinite(maxNorm))
        {
            // clip_grad_norm_: scale by max_norm / (norm + 1e-6), clamped to at most 1. Scalars held: see Scalars.
            using Scalar max = maxNorm, tiny = 1e-6;
            var coef = (max / (norm + tiny)).clamp_max(Scalars.One);
            _grad.mul_(coef);
        }
        StepCount++;
        double bc1 = 1 - Math.Pow(Beta1, StepCount);
        double bc2 = 1 - Math.Pow(Beta2, StepCount);
        // Each Scalar is held until after its op (see ControlRL.Models.Scalars).
        using Scalar beta1 = Beta1, beta2 = Beta2, oneMinusBeta1 = 1 - Beta1, oneMinusBeta2 = 1 - Beta2;
        using Scalar sqrtBc2 = Math.Sqrt(bc2), eps = Eps, stepSize = LearningRate / bc1;
        _m.mul_(beta1).add_(_grad, alpha: oneMinusBeta1);
        _v.mul_(beta2).addcmul_(_grad, _grad, value: oneMinusBeta2);
        var denom = (_v.sqrt() / sqrtBc2).add_(eps);
        var update = (_m / denom).mul_(stepSize);
        for (int i = 0; i < _params.Length; i++)
        {
            var p = _params[i];
            p.sub_(update.narrow(0, _offsets[i], _offsets[i + 1] - _offsets[i]).view_as(p));
        }
        return normValue;
    }

    /// <summary>State for checkpoints: first and second moments as float arrays plus the step count.</summary>
    public (float[] M, float[] V, long Step) GetState()
    {
        using var scope = NewDisposeScope();
        return (_m.cpu().data<float>().ToArray(), _v.cpu().data<float>().ToArray(), StepCount);
    }

    public void SetState(float[] m, float[] v, long step)
    {
        if (m.Length != ParameterCount || v.Length != ParameterCount)
            throw new InvalidDataException($"Optimizer state has {m.Length}/{v.Length} values but the model has {ParameterCount} parameters.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _m.copy_(tensor(m).to(_m.device));
        _v.copy_(tensor(v).to(_v.device));
        StepCount = step;
    }

    public void Dispose()
    {
        _m.Dispose();
        _v.Dispose();
        _grad.Dispose();
    }
}
