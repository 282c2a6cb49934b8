using ControlRL.Core.Envs;

namespace ControlRL.Core.Vector;

/// <summary>
/// Base of vector-env wrappers: forwards to <see cref="Inner"/> and then lets the wrapper transform the shared
/// buffers in place (<see cref="OnReset"/>, <see cref="OnStep"/>, which sees the actions this wrapper was given).
/// Actions may be transformed before they go in (<see cref="TransformActions"/>).
/// </summary>
public abstract class VectorWrapper(IVectorEnv inner) : IVectorEnv
{
    private float[] _sentActions = [];

    public IVectorEnv Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));
    public virtual EnvSpec Spec => Inner.Spec;
    public int NumEnvs => Inner.NumEnvs;
    public AutoresetMode AutoresetMode => Inner.AutoresetMode;
    public VectorBuffers Buffers => Inner.Buffers;
    public Tasks.TaskSpace? TaskSpace => Inner.TaskSpace;
    public T? FindInSubEnv<T>(int index) where T : class => Inner.FindInSubEnv<T>(index);

    public void Reset(ulong seed)
    {
        BeforeReset();
        Inner.Reset(seed);
        OnReset();
    }

    public void Step(ReadOnlySpan<float> actions)
    {
        Inner.Step(TransformActions(actions));
        OnStep(actions);
    }

    public void StepAsync(ReadOnlySpan<float> actions)
    {
        // Kept for OnStep after StepWait (the caller may reuse its buffer meanwhile); sized once.
        if (_sentActions.Length != actions.Length) _sentActions = new float[actions.Length];
        actions.CopyTo(_sentActions);
        Inner.StepAsync(TransformActions(actions));
    }

    public void StepWait(TimeSpan? timeout = null)
    {
        Inner.StepWait(timeout);
        OnStep(_sentActions);
    }

    /// <summary>Returns the actions to pass on; the default passes them through untouched.</summary>
    protected virtual ReadOnlySpan<float> TransformActions(ReadOnlySpan<float> actions) => actions;

    /// <summary>Runs before the inner env resets (e.g. to choose the tasks of the first episodes).</summary>
    protected virtual void BeforeReset() { }

    protected virtual void OnReset() { }

    /// <summary>Transforms this step's results in place; <paramref name="actions"/> are the ones given to this wrapper.</summary>
    protected virtual void OnStep(ReadOnlySpan<float> actions) { }

    public virtual void Dispose()
    {
        Inner.Dispose();
        GC.SuppressFinalize(this);
    }
}

public static class VectorEnvExtensions
{
    /// <summary>The outermost wrapper of type <typeparamref name="T"/> in the chain, or null.</summary>
    public static T? Find<T>(this IVectorEnv env) where T : class
    {
        for (IVectorEnv? e = env; e is not null; e = (e as VectorWrapper)?.Inner)
        {
            if (e is T t) return t;
        }
        return null;
    }

    /// <summary>Every object in the wrapper chain implementing <typeparamref name="T"/>, outermost first.</summary>
    public static IEnumerable<T> FindAll<T>(this IVectorEnv env) where T : class
    {
        for (IVectorEnv? e = env; e is not null; e = (e as VectorWrapper)?.Inner)
        {
            if (e is T t) yield return t;
        }
    }
}
