using System;
using System.Management.Automation;
using System.Threading;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell
{
    /// <summary>
    /// What every Outpost cmdlet shares: finding the target a user named, turning Core's failures into
    /// ErrorRecords with stable ids, and a cancellation token that Ctrl+C trips.
    /// </summary>
    public abstract class OutpostCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();

        protected CancellationToken CancelToken => _cancel.Token;

        protected override void StopProcessing() => _cancel.Cancel();

        /// <summary>A share addressed by folder (-Path) or by registry name (-Target).</summary>
        protected OutpostTarget ResolveTarget(string? target, string? path)
        {
            if (!string.IsNullOrEmpty(path))
            {
                string full = GetUnresolvedProviderPathFromPSPath(path);
                return TargetNames.ForPath(full, target);
            }
            return TargetNames.Resolve(target);
        }

        /// <summary>targets.toml: -RegistryPath (a PowerShell path), else OUTPOST_TARGETS, else the per-user file.</summary>
        protected string RegistryFile(string? registryPath) =>
            Core.Config.ConfigPaths.TargetsFile(registryPath == null ? null : GetUnresolvedProviderPathFromPSPath(registryPath));

        protected static ErrorCategory CategoryOf(OutpostErrorKind kind) => ErrorCategories.Of(kind);

        protected static ErrorRecord ToErrorRecord(OutpostException e) => ErrorCategories.Record(e, e.ErrorId, null);

        /// <summary>One input of many failed: say so and go on with the rest.</summary>
        protected void WriteFailure(OutpostException e) => WriteError(ToErrorRecord(e));

        /// <summary>Nothing can continue.</summary>
        protected void ThrowFailure(OutpostException e) => ThrowTerminatingError(ToErrorRecord(e));

        protected static ErrorRecord Error(string id, ErrorCategory category, string message, object? target) =>
            new ErrorRecord(new InvalidOperationException(message), id, category, target);
    }
}
