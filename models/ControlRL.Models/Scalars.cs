using TorchSharp;

namespace ControlRL.Models;

/// <summary>
/// Rooted TorchSharp <see cref="Scalar"/>s for the constants of hot paths. TorchSharp 0.107 turns a double operand
/// (<c>x + 1</c>, <c>x.div_(255.0)</c>, <c>x.clamp(1e-6, ...)</c>) into a temporary Scalar that nothing references
/// once its handle is passed to libtorch, so a garbage collection on another thread during the call can run its
/// finalizer while the op still reads it (dotnet/TorchSharp pull requests 1434 and 1496): with a thread forcing
/// collections, an <c>add</c> failed reading a freed Scalar. A static Scalar is never collected (dispose scopes do not
/// track Scalars); a value that changes per call is held by <c>using Scalar s = value;</c> until after the op.
/// </summary>
internal static class Scalars
{
    public static readonly Scalar One = 1.0;
    public static readonly Scalar Two = 2.0;
    public static readonly Scalar Pixel = 255.0;
}
