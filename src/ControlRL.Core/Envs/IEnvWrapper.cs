namespace ControlRL.Core.Envs;

/// <summary>A single-env wrapper; lets callers find capabilities (e.g. task parameters) of the env inside.</summary>
public interface IEnvWrapper : IEnv
{
    IEnv Inner { get; }
}

public static class EnvExtensions
{
    /// <summary>The outermost env in the wrapper chain implementing <typeparamref name="T"/>, or null.</summary>
    public static T? Find<T>(this IEnv env) where T : class
    {
        for (IEnv? e = env; e is not null; e = (e as IEnvWrapper)?.Inner)
        {
            if (e is T t) return t;
        }
        return null;
    }
}
