#:project ../../envs/ControlRL.Envs.Driving/ControlRL.Envs.Driving.csproj

// Rewrites the shipped driving data (towns and suites) with DrivingData.Regenerate; see docs/driving-format.md.
// Usage: dotnet run tools/driving/regenerate.cs -- [output folder, default envs/ControlRL.Envs.Driving/Data]
using ControlRL.Envs.Driving.Roads;

string output = args.Length > 0 ? args[0] : Path.Combine("envs", "ControlRL.Envs.Driving", "Data");
var clock = System.Diagnostics.Stopwatch.StartNew();
DrivingData.Regenerate(output);
foreach (var file in Directory.GetFiles(output, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
    Console.WriteLine($"{new FileInfo(file).Length,9:N0} bytes  {Path.GetRelativePath(output, file)}");
Console.WriteLine($"regenerated {output} in {clock.Elapsed.TotalSeconds:0.0} s");
