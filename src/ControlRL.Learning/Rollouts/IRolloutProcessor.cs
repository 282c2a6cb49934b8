namespace ControlRL.Learning.Rollouts;

/// <summary>
/// A stage between collecting a rollout and computing its targets. Reward sources (GAIL's discriminator, a
/// learned process reward model, a perceptual reward) read the batched observations, actions and next
/// observations (<see cref="Rollout.GatherNextObservations"/>, final observations included) and add or replace
/// reward terms with <see cref="Rollout.AddRewardTerm"/>; each term is logged by name. A processor may also train
/// itself on the rollout here (a discriminator step). Stateful processors implement
/// <see cref="Core.Checkpoints.IStatefulComponent"/> so checkpoints keep them.
/// </summary>
public interface IRolloutProcessor
{
    /// <summary>Name for logs (<c>reward_sources/{Name}/...</c>).</summary>
    string Name { get; }

    void Process(Rollout rollout);
}
