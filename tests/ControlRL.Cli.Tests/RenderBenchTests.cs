using System.Runtime.InteropServices;
using ControlRL.Cli.Hosting;

namespace ControlRL.Cli.Tests;

public class RenderBenchTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var hosts = new RecordingHosts();
        var output = new StringWriter();
        var error = new StringWriter();
        var registry = Registries.CreateEnvRegistry();
        registry.Register(FakeEnv.Id, () => new FakeEnv());
        int code = CliApp.Run(args, new CliServices
        {
            Envs = () => registry,
            Trainer = hosts,
            Evaluator = hosts,
            Benchmarks = hosts,
            Out = output,
            Err = error,
            ConfigRoot = Repo.ConfigRoot,
            InteractiveConsole = false,
        });
        return (code, output.ToString(), error.ToString());
    }

    [EglFact]
    public void ReportsFramesPerSecondOfAMuJoCoEnv()
    {
        var (code, output, error) = Run("bench", "render", "HalfCheetah-v5", "--size", "24", "--frames", "3", "--camera", "free");
        Assert.True(code == 0, error);
        Assert.Contains("render HalfCheetah-v5 24x24, camera free, 3 frames", output);
        Assert.Contains("frames/s: ", output);
        Assert.Contains("backend: ", output);
    }

    [Fact]
    public void RefusesEnvsThatDoNotRenderBadSizesAndUnknownCameras()
    {
        var (code, _, error) = Run("bench", "render", FakeEnv.Id, "--frames", "1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("does not render", error);

        (code, _, error) = Run("bench", "render", "HalfCheetah-v5", "--size", "0");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--size", error);

        (code, _, error) = Run("bench", "render", "HalfCheetah-v5", "--camera", "overhead");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no camera named 'overhead'", error);
    }
}

/// <summary>A fact skipped where libEGL (the headless OpenGL that rendering needs) is not installed.</summary>
public sealed class EglFactAttribute : FactAttribute
{
    public EglFactAttribute()
    {
        if (!NativeLibrary.TryLoad("libEGL.so.1", out _)) Skip = "libEGL.so.1 is not installed (Debian: libegl1 libegl-mesa0 libgl1-mesa-dri).";
    }
}
