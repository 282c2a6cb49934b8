using ControlRL.Learning.Rollouts;

namespace ControlRL.Learning.Training;

/// <summary>Where a run stands, as callbacks see it.</summary>
public readonly record struct TrainerState(long GlobalStep, long TotalTimesteps, int Update, int NumUpdates);

/// <summary>
/// Hooks into a trainer's loop (Stable-Baselines3's callbacks): after every vector-env step, after each rollout
/// is collected (before targets), and after each update. Returning false from <see cref="OnStep"/> or
/// <see cref="OnUpdate"/> stops training after the current update (a checkpoint is still written by the host).
/// </summary>
public abstract class TrainerCallback
{
    /// <summary>After each vector-env step. Must not allocate (it runs in the hot loop).</summary>
    public virtual bool OnStep(in TrainerState state) => true;

    public virtual void OnRolloutEnd(Rollout rollout, in TrainerState state) { }

    public virtual bool OnUpdate(in TrainerState state) => true;
}
