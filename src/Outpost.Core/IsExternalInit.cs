// netstandard2.0 lacks this marker type; defining it lets Core use init-only setters and records.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit { }
}
