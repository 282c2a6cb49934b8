using TorchSharp;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>
/// Discrete-action agent (CleanRL's ppo.py): separate actor and critic MLPs; the actor outputs logits of a
/// categorical distribution. Actions travel as float indices.
/// </summary>
public sealed class CategoricalActorCritic : ActorCritic
{
    private readonly Mlp critic;
    private readonly Mlp actor;

    public CategoricalActorCritic(int observationSize, int numActions, IReadOnlyList<int> hidden, Activation activation, bool orthogonalInit = true)
        : base("categorical_actor_critic")
    {
        ObservationSize = observationSize;
        NumActions = numActions;
        critic = new Mlp("critic", observationSize, hidden, 1, activation, 1.0, orthogonalInit);
        actor = new Mlp("actor", observationSize, hidden, numActions, activation, 0.01, orthogonalInit);
        RegisterComponents();
    }

    public override int ObservationSize { get; }
    public override int ActionSize => 1;
    public int NumActions { get; }

    public override string Kind => "categorical";
    public override bool HasManagedActor => true;

    public override Tensor GetValue(Tensor[] observations) => critic.forward(Flat(observations, Kind)).squeeze(-1);

    public override PolicyEvaluation Evaluate(Tensor[] obs, Tensor actions)
    {
        var observations = Flat(obs, Kind);
        var logProbs = actor.forward(observations).log_softmax(-1);
        var index = actions.reshape(-1, 1).to_type(ScalarType.Int64);
        var logProb = logProbs.gather(-1, index).squeeze(-1);
        var entropy = -(logProbs.exp() * logProbs).sum(-1);
        var value = critic.forward(observations).squeeze(-1);
        return new PolicyEvaluation(logProb, entropy, value);
    }

    public override Tensor DeterministicAction(Tensor[] observations) =>
        actor.forward(Flat(observations, Kind)).argmax(-1, keepdim: true).to_type(ScalarType.Float32);

    public override ActionSample Sample(Tensor[] observations, Generator? generator)
    {
        var probs = actor.forward(Flat(observations, Kind)).softmax(-1);
        var action = multinomial(probs, 1, generator: generator).to_type(ScalarType.Float32);
        var e = Evaluate(observations, action);
        return new ActionSample(action, e.LogProb, e.Value);
    }

    public override ManagedPolicy SnapshotActor() => new ManagedCategoricalPolicy(actor.ToManaged());

    public override void RefreshSnapshot(ManagedPolicy snapshot)
    {
        if (snapshot is not ManagedCategoricalPolicy c)
            throw new ArgumentException("Snapshot was not made by a CategoricalActorCritic.", nameof(snapshot));
        actor.CopyTo(c.Logits);
    }
}
