using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>Log-probability, entropy and value of a batch of (observation, action) pairs.</summary>
public readonly record struct PolicyEvaluation(Tensor LogProb, Tensor Entropy, Tensor Value);

/// <summary>Sampled actions [B x act] (in env units, as floats), their log-probabilities [B] and values [B].</summary>
public readonly record struct ActionSample(Tensor Action, Tensor LogProb, Tensor Value);

/// <summary>
/// An actor-critic policy over an observation space's leaves. Observations arrive as one tensor per leaf of the
/// space, in leaf order (<see cref="Core.Spaces.Space.Leaves"/>), each [B x leaf shape]; uint8 leaves stay uint8
/// and the network scales them in its graph. Actions are float tensors [B x ActionSize] in env units.
/// Small MLP policies also act through a managed copy (<see cref="SnapshotActor"/>, no TorchSharp per env step);
/// others act with <see cref="Sample"/> in one batched TorchSharp call per step.
/// </summary>
public abstract class ActorCritic : nn.Module<Tensor, Tensor>
{
    protected ActorCritic(string name) : base(name) { }

    /// <summary>Floats per action in the flat action buffer (1 for a discrete action).</summary>
    public abstract int ActionSize { get; }

    /// <summary>Values per observation of a flat float policy (MLP input size).</summary>
    public abstract int ObservationSize { get; }

    /// <summary>V(s) [B].</summary>
    public abstract Tensor GetValue(Tensor[] observations);

    /// <summary>Log pi(a|s) [B], entropy [B] and V(s) [B] for a batch.</summary>
    public abstract PolicyEvaluation Evaluate(Tensor[] observations, Tensor actions);

    /// <summary>The deterministic action (Gaussian mean, Beta mode, categorical argmax) [B x act].</summary>
    public abstract Tensor DeterministicAction(Tensor[] observations);

    /// <summary>Samples actions with <paramref name="generator"/>, with their log-probabilities and values.</summary>
    public virtual ActionSample Sample(Tensor[] observations, Generator? generator) =>
        throw new NotSupportedException($"{GetType().Name} acts through its managed snapshot only.");

    /// <summary>True when <see cref="SnapshotActor"/> gives a managed copy for allocation-free acting.</summary>
    public virtual bool HasManagedActor => false;

    /// <summary>Copies the current actor weights into a managed policy for allocation-free acting.</summary>
    public virtual ManagedPolicy SnapshotActor() =>
        throw new NotSupportedException($"{GetType().Name} has no managed actor; act with Sample.");

    /// <summary>Refreshes an existing snapshot in place (no allocation) after an update.</summary>
    public virtual void RefreshSnapshot(ManagedPolicy snapshot) =>
        throw new NotSupportedException($"{GetType().Name} has no managed actor.");

    /// <summary>Names the kind of policy in checkpoints (e.g. <c>gaussian</c>, <c>encoded</c>).</summary>
    public abstract string Kind { get; }

    public Tensor GetValue(Tensor observations) => GetValue([observations]);
    public PolicyEvaluation Evaluate(Tensor observations, Tensor actions) => Evaluate([observations], actions);
    public Tensor DeterministicAction(Tensor observations) => DeterministicAction([observations]);

    public override Tensor forward(Tensor observations) => DeterministicAction([observations]);

    /// <summary>The single leaf of a flat policy's observations, with a clear error otherwise.</summary>
    protected static Tensor Flat(Tensor[] observations, string who) =>
        observations.Length == 1 ? observations[0]
            : throw new ArgumentException($"{who} takes one flat float observation; it got {observations.Length} leaves.");
}
