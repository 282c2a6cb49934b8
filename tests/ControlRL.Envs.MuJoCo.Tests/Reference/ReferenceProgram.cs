using System.Diagnostics;

namespace ControlRL.Envs.MuJoCo.Tests.Reference;

/// <summary>Compiles and runs the independent C reference programs (gym_reference.c, render_reference.c).</summary>
internal static class ReferenceProgram
{
    /// <summary>Builds <paramref name="sourcePath"/> (relative to the repo) with gcc into <paramref name="binary"/>.</summary>
    public static string Compile(string sourcePath, string binary, params string[] libraries)
    {
        string source = Path.Combine(Native.RepoPaths.Root, sourcePath);
        // No -ffast-math: IEEE double arithmetic, as numpy's.
        var (code, _, stderr) = Execute("gcc", ["-O2", "-std=c11", "-Wall", "-Wextra", "-o", binary, source, .. libraries]);
        if (code != 0) throw new InvalidOperationException($"gcc failed to build {sourcePath}:\n{stderr}");
        return binary;
    }

    public static (int Code, string Stdout, string Stderr) Execute(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
