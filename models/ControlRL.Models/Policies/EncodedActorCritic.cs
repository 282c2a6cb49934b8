using ControlRL.Core.Spaces;
using ControlRL.Models.Distributions;
using ControlRL.Models.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ControlRL.Models.Policies;

/// <summary>
/// CleanRL's Atari agent generalised to any observation space: one shared trunk (<see cref="CompositeEncoder"/>)
/// feeding an action head (gain 0.01) and a linear critic (gain 1). Acts in batched TorchSharp calls
/// (<see cref="Sample"/>); there is no managed copy, conv nets are too heavy for one.
/// </summary>
public sealed class EncodedActorCritic : ActorCritic
{
    private readonly CompositeEncoder encoder;
    private readonly ActionHead actor;
    private readonly Linear critic;

    public EncodedActorCritic(Space observationSpace, Space actionSpace, PolicyDescription description)
        : base("encoded_actor_critic")
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        ArgumentNullException.ThrowIfNull(description);
        Description = description;
        encoder = new CompositeEncoder(observationSpace, description.Encoder);
        actor = ActionHead.Create(description.Head ?? ActionHead.DefaultKind(actionSpace), encoder.OutputSize, actionSpace, description.LogStdInit);
        critic = Init.Linear(encoder.OutputSize, 1, 1.0);
        ObservationSize = observationSpace.FlatSize;
        RegisterComponents();
    }

    public PolicyDescription Description { get; }
    public CompositeEncoder Encoder => encoder;
    public ActionHead Head => actor;
    public int FeatureSize => encoder.OutputSize;

    public override int ActionSize => actor.ActionSize;

    /// <summary>Values per observation summed over all leaves (not an MLP input size here).</summary>
    public override int ObservationSize { get; }

    public override string Kind => "encoded";
    public override bool HasManagedActor => false;

    public override Tensor GetValue(Tensor[] observations) => critic.forward(encoder.forward(observations)).squeeze(-1);

    public override PolicyEvaluation Evaluate(Tensor[] observations, Tensor actions)
    {
        var features = encoder.forward(observations);
        var dist = actor.Distribution(features);
        return new PolicyEvaluation(dist.LogProb(actions), dist.Entropy(), critic.forward(features).squeeze(-1));
    }

    public override Tensor DeterministicAction(Tensor[] observations) => actor.Distribution(encoder.forward(observations)).Deterministic();

    /// <summary>One trunk pass for the action, its log-probability and the value (rollouts run under no_grad).</summary>
    public override ActionSample Sample(Tensor[] observations, Generator? generator)
    {
        var features = encoder.forward(observations);
        var dist = actor.Distribution(features);
        var action = dist.Sample(generator);
        return new ActionSample(action, dist.LogProb(action), critic.forward(features).squeeze(-1));
    }
}
