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
    [Cmdlet(VerbsLifecycle.Invoke, "OutpostCommand", DefaultParameterSetName = "Target")]
    [OutputType(typeof(PSObject))]
    [OutputType(typeof(OutpostInvokeJob))]
    public sealed class InvokeOutpostCommandCommand : OutpostCmdlet, IRemoteStreams
    {
        [Parameter(Mandatory = true, Position = 0)]
        public ScriptBlock? ScriptBlock { get; set; }

        [Parameter]
        [Alias("Args")]
        public object[]? ArgumentList { get; set; }

        [Parameter(ParameterSetName = "Target", ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string? Target { get; set; }

        [Parameter(ParameterSetName = "Target", ValueFromPipelineByPropertyName = true)]
        public string? Path { get; set; }

        /// <summary>Run in these sessions (New-OutpostSession) instead of a fresh process per call.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "Session", ValueFromPipeline = true)]
        public Core.Sessions.OutpostSession[]? Session { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; }

        [Parameter(ParameterSetName = "Target")]
        [ValidateRange(1, 64)]
        public int Lane { get; set; } = 1;

        /// <summary>How deep objects are serialized, both ways (default 2).</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int Depth { get; set; } = 2;

        [Parameter]
        public string? SigningKey { get; set; }

        [Parameter(ParameterSetName = "Target")]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            if (Session != null)
            {
                InvokeInSessions();
                return;
            }
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

        private void InvokeInSessions()
        {
            foreach (var session in Session!)
            {
                try
                {
                    var terminating = SessionInvocation.Run(session, ScriptBlock!, ArgumentList, Depth, TimeoutSec,
                        SigningKey == null ? null : GetUnresolvedProviderPathFromPSPath(SigningKey), SessionState, this, CancelToken);
                    if (terminating != null) ThrowTerminatingError(terminating);
                }
                catch (OutpostException e)
                {
                    WriteFailure(e);
                }
                catch (OperationCanceledException) { }
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
