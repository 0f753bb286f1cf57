using System;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// Runs a script block on a target, through nothing but the shared folder, and returns live objects:
    /// output with an OutpostTarget property, and errors, warnings, verbose, debug and information in the
    /// matching local streams, as they arrive.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "OutpostCommand")]
    [OutputType(typeof(PSObject))]
    [OutputType(typeof(OutpostInvokeJob))]
    public sealed class InvokeOutpostCommandCommand : OutpostCmdlet, IRemoteStreams
    {
        [Parameter(Mandatory = true, Position = 0)]
        public ScriptBlock? ScriptBlock { get; set; }

        [Parameter]
        [Alias("Args")]
        public object[]? ArgumentList { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string? Target { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Path { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        public int Lane { get; set; } = 1;

        /// <summary>How deep objects are serialized, both ways (default 2).</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int Depth { get; set; } = 2;

        [Parameter]
        public string? SigningKey { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            OutpostTarget target;
            RemoteInvocation invocation;
            try
            {
                target = ResolveTarget(Target, Path);
                invocation = new RemoteInvocation(target);
                string script = invocation.BuildScript(ScriptBlock!, ArgumentList, Depth, SessionState);
                invocation.Submit(script, Lane, TimeoutSec, SigningKey == null ? null : GetUnresolvedProviderPathFromPSPath(SigningKey));
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
                return;
            }
            WriteVerbose($"running as job {invocation.Job!.Stem} on {target.Name}");
            if (AsJob)
            {
                var job = new OutpostInvokeJob(MyInvocation.Line, target, invocation);
                JobRepository.Add(job);
                job.Start();
                WriteObject(job);
                return;
            }
            try
            {
                var (finished, terminating) = invocation.Play(this, null, CancelToken);
                if (terminating != null) ThrowTerminatingError(terminating);
                RemoteInvocation.ReportEnd(target, finished, this);
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
            catch (OperationCanceledException)
            {
                CancelRemote(target, invocation); // Ctrl+C stops the remote side too, as with Invoke-Command
            }
            catch (PipelineStoppedException)
            {
                CancelRemote(target, invocation); // e.g. Select-Object -First: nobody wants the rest
                throw;
            }
        }

        private static void CancelRemote(OutpostTarget target, RemoteInvocation invocation)
        {
            try
            {
                if (!target.GetJob(invocation.Job!.Lane, invocation.Job.Stem).IsFinished)
                    target.Cancel(invocation.Job.Lane, invocation.Job.Stem);
            }
            catch (OutpostException) { }
        }

        void IRemoteStreams.Output(object value) => WriteObject(value);
        void IRemoteStreams.Error(ErrorRecord record) => WriteError(record);
        void IRemoteStreams.Warning(string message) => WriteWarning(message);
        void IRemoteStreams.Verbose(string message) => WriteVerbose(message);
        void IRemoteStreams.Debug(string message) => WriteDebug(message);
        void IRemoteStreams.Information(InformationRecord record) => WriteInformation(record);
        void IRemoteStreams.Text(string line) => WriteObject(line);
    }
}
