using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>Log-probability, entropy and value of a batch of (observation, action) pairs.</summary>
public readonly record struct PolicyEvaluation(Tensor LogProb, Tensor Entropy, Tensor Value);

/// <summary>
/// An actor-critic policy. Acting during rollouts goes through <see cref="SnapshotActor"/> (a managed copy of the
/// actor, no TorchSharp per step); the learner evaluates whole minibatches with <see cref="Evaluate"/>.
/// </summary>
public abstract class ActorCritic : nn.Module<Tensor, Tensor>
{
    protected ActorCritic(string name) : base(name) { }

    public abstract int ObservationSize { get; }
    public abstract int ActionSize { get; }

    /// <summary>V(s) for a batch [B x obs] -> [B].</summary>
    public abstract Tensor GetValue(Tensor observations);

    /// <summary>Log pi(a|s) [B], entropy [B] and V(s) [B] for a batch.</summary>
    public abstract PolicyEvaluation Evaluate(Tensor observations, Tensor actions);

    /// <summary>The deterministic action (Gaussian mean / categorical argmax) as a tensor [B x act].</summary>
    public abstract Tensor DeterministicAction(Tensor observations);

    /// <summary>Copies the current actor weights into a managed policy for allocation-free acting.</summary>
    public abstract ManagedPolicy SnapshotActor();

    /// <summary>Refreshes an existing snapshot in place (no allocation) after an update.</summary>
    public abstract void RefreshSnapshot(ManagedPolicy snapshot);

    public override Tensor forward(Tensor observations) => DeterministicAction(observations);
}
