using System;
using System.Runtime.InteropServices;

namespace Outpost.Core.Responding
{
    /// <summary>This host in Go's names (GOOS/GOARCH), which is how v1 advertises platforms.</summary>
    public static class HostPlatform
    {
        public static string Os =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "windows"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "darwin"
            : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux"
            : RuntimeInformation.OSDescription.ToLowerInvariant().Contains("freebsd") ? "freebsd"
            : "unknown";

        public static string Arch => RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "386",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };

        public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>The responder name when none is configured: OUTPOST_NAME, else the host name.</summary>
        public static string DefaultResponderName()
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable("OUTPOST_NAME");
            return string.IsNullOrWhiteSpace(fromEnvironment) ? Environment.MachineName : fromEnvironment!.Trim();
        }
    }
}
