namespace ControlRL.Core.Envs;

/// <summary>
/// A discrete happening in an episode (a collision, a red light run, a stop sign missed) with where it happened:
/// <see cref="Kind"/> indexes <see cref="EnvSpec.Events"/>; <see cref="X"/>, <see cref="Y"/> are world coordinates
/// and <see cref="Value"/> a magnitude (speed at impact, metres off the route) where the env has one.
/// </summary>
public readonly record struct EnvEvent(int Kind, float X, float Y, float Value = 0f);

/// <summary>
/// An env that reports <see cref="EnvEvent"/>s. It keeps the events of every step since the last
/// <see cref="DrainEvents"/> (so an action-repeat wrapper loses none); vector envs drain it after each of their steps
/// and resets clear it. Wrappers pass events through untouched: the vector env finds the source in the chain.
/// </summary>
public interface IEventSource
{
    /// <summary>Copies the pending events into <paramref name="destination"/> (as many as fit), clears them, returns how many were pending.</summary>
    int DrainEvents(Span<EnvEvent> destination);
}
