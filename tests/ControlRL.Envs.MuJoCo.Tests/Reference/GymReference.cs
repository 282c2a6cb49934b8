using System.Diagnostics;
using System.Globalization;
using ControlRL.Envs.MuJoCo.Tests.Native;

namespace ControlRL.Envs.MuJoCo.Tests.Reference;

/// <summary>One env step of the C reference (step 0: the state after set_state, no reward).</summary>
internal sealed record ReferenceStep(int Step, bool Terminated, double Reward, double[] Terms, double[] Observation);

/// <summary>
/// Builds gym_reference.c (Gymnasium v5's formulas in C, against the system libmujoco) into a temporary folder
/// and runs it. Shared by a test class as a fixture so the compiler runs once.
/// </summary>
public sealed class GymReference : IDisposable
{
    public const string SourcePath = "tests/ControlRL.Envs.MuJoCo.Tests/Reference/gym_reference.c";
    private const string MuJoCoHeader = "/usr/include/mujoco/mujoco.h";

    private readonly Lazy<string> _binary;
    private readonly string _folder;

    public GymReference()
    {
        _folder = Directory.CreateTempSubdirectory("controlrl-gym-reference-").FullName;
        _binary = new Lazy<string>(Compile);
    }

    /// <summary>Why the reference cannot be built here, or null when it can (gcc and MuJoCo's headers exist).</summary>
    public static string? MissingToolchain
    {
        get
        {
            if (FindOnPath("gcc") is null) return "gcc is not on PATH (tools/setup.sh installs it)";
            if (!File.Exists(MuJoCoHeader)) return $"{MuJoCoHeader} is missing (install libmujoco-dev)";
            return null;
        }
    }

    /// <summary>
    /// Runs the reference for <paramref name="taskId"/> on <paramref name="modelPath"/> from the given state with
    /// the given actions (float32, as the C# env receives them); returns every step it wrote.
    /// </summary>
    internal IReadOnlyList<ReferenceStep> Run(string taskId, string modelPath, double[] qpos, double[] qvel,
        float[][] actions)
    {
        string input = Path.Combine(_folder, $"{taskId}-input.txt");
        using (var w = new StreamWriter(input))
        {
            // "R" round-trips doubles exactly; "G9" does for floats.
            w.WriteLine(string.Join(' ', qpos.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            w.WriteLine(string.Join(' ', qvel.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            w.WriteLine(actions.Length);
            foreach (float[] a in actions)
                w.WriteLine(string.Join(' ', a.Select(v => v.ToString("G9", CultureInfo.InvariantCulture))));
        }

        var (code, stdout, stderr) = ReferenceProgram.Execute(_binary.Value, [taskId, modelPath, input]);
        if (code != 0) throw new InvalidOperationException($"gym_reference {taskId} exited with {code}: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();
    }

    private static ReferenceStep Parse(string line)
    {
        string[] halves = line.Split('|');
        double[] head = Numbers(halves[0]);
        return new ReferenceStep((int)head[0], head[1] != 0, head[2], head[3..], Numbers(halves[1]));
    }

    private static double[] Numbers(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();

    private string Compile() => ReferenceProgram.Compile(SourcePath, Path.Combine(_folder, "gym_reference"), "-lmujoco", "-lm");

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>A theory that is skipped, saying why, where the reference program cannot be built.</summary>
public sealed class GymReferenceTheoryAttribute : TheoryAttribute
{
    public GymReferenceTheoryAttribute()
    {
        if (GymReference.MissingToolchain is { } why) Skip = $"Gymnasium reference not built: {why}.";
    }
}
