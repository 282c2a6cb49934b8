using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>
/// Acts with a trained policy on batches of observations, for evaluation and serving: through the managed actor
/// copy for small MLPs on flat observations (no TorchSharp per step), else one batched TorchSharp call.
/// Deterministic acting takes the distribution's mode (Gaussian mean, Beta mode, argmax).
/// </summary>
public sealed class PolicyActor : IDisposable
{
    private readonly ActorCritic _policy;
    private readonly ManagedPolicy? _managed;
    private readonly Rng _rng;
    private readonly Generator _generator;
    private readonly Device _device;
    private PinnedObservations? _pinned;

    public PolicyActor(ActorCritic policy, Space observationSpace, ulong seed, string device = "cpu")
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _device = torch.device(device);
        _managed = observationSpace.IsFlatFloat && policy.HasManagedActor ? policy.SnapshotActor() : null;
        _rng = new Rng(seed);
        _generator = new Generator(seed, _device);
    }

    /// <summary>Fills <paramref name="actions"/> [rows x action size] for the first <paramref name="rows"/> rows of <paramref name="observations"/>.</summary>
    public void Act(ObservationBatch observations, Span<float> actions, int rows, bool deterministic)
    {
        if (_managed is not null)
        {
            _managed.Act(observations.Floats(0).AsSpan(0, rows * observations.LeafSize(0)), actions, rows, _rng, deterministic);
            return;
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (!ReferenceEquals(_pinned?.Batch, observations))
        {
            _pinned?.Dispose();
            _pinned = new PinnedObservations(observations);
        }
        var obs = _pinned!.Rows(0, rows, _device);
        var a = deterministic ? _policy.DeterministicAction(obs) : _policy.Sample(obs, _generator).Action;
        a.cpu().contiguous().data<float>().CopyTo(actions);
    }

    public void Dispose()
    {
        _generator.Dispose();
        _pinned?.Dispose();
    }
}
