using ControlRL.Core.Envs;

namespace ControlRL.Core.Vector;

public static class VectorEnvFactory
{
    /// <summary>
    /// Builds <paramref name="numEnvs"/> copies of <paramref name="envId"/> with <see cref="EnvRegistry.Make"/>
    /// (time limit included) and batches them, threaded or on the calling thread.
    /// </summary>
    public static IVectorEnv Create(EnvRegistry registry, string envId, int numEnvs, bool threaded, int workers)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return Create(() => registry.Make(envId), numEnvs, threaded, workers);
    }

    /// <summary>
    /// Builds <paramref name="numEnvs"/> sub-envs with <paramref name="make"/> (e.g. an env pipeline) and batches
    /// them; the ones already built are disposed if a later one fails.
    /// </summary>
    public static IVectorEnv Create(Func<IEnv> make, int numEnvs, bool threaded, int workers)
    {
        ArgumentNullException.ThrowIfNull(make);
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        var envs = new List<IEnv>(numEnvs);
        try
        {
            for (int i = 0; i < numEnvs; i++) envs.Add(make());
            return threaded ? new ThreadedVectorEnv(envs, workers) : new SyncVectorEnv(envs);
        }
        catch
        {
            foreach (var e in envs) e.Dispose();
            throw;
        }
    }
}
