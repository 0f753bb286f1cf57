using System;
using System.Collections.Generic;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// Runs a script block on one or many targets at once, through nothing but their shared folders, and
    /// returns live objects: output tagged with PSComputerName and OutpostTarget, and errors, warnings,
    /// verbose, debug and information in the matching local streams, as each target produces them.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "OutpostCommand", DefaultParameterSetName = "Target")]
    [OutputType(typeof(PSObject))]
    [OutputType(typeof(OutpostInvokeJob))]
    public sealed class InvokeOutpostCommandCommand : FileJobCmdlet, IRemoteStreams
    {
        private RemoteCommand? _command;
        private RemoteFanOut? _fanOut;
        private readonly List<OutpostInvokeChildJob> _children = new List<OutpostInvokeChildJob>();

        [Parameter(Mandatory = true, Position = 0)]
        public ScriptBlock? ScriptBlock { get; set; }

        [Parameter]
        [Alias("Args")]
        public object[]? ArgumentList { get; set; }

        [Parameter(ParameterSetName = "Target", ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string[]? Target { get; set; }

        [Parameter(ParameterSetName = "Target", ValueFromPipelineByPropertyName = true)]
        public string[]? Path { get; set; }

        /// <summary>How many targets run at once (default 32, as Invoke-Command).</summary>
        [Parameter]
        [ValidateRange(1, 1024)]
        public int ThrottleLimit { get; set; } = 32;

        /// <summary>Run in these sessions (New-OutpostSession) instead of a fresh process per call.</summary>
        [Parameter(Mandatory = true, ParameterSetName = "Session", ValueFromPipeline = true)]
        public Core.Sessions.OutpostSession[]? Session { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; }

        /// <summary>
        /// The longest to wait for each target's result, from submission. Without it the wait lasts as long
        /// as a responder serves the target and ends with NoLiveResponder when none does.
        /// </summary>
        [Parameter]
        [ValidateRange(1, 604800)]
        public int WaitTimeoutSec { get; set; }

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

        /// <summary>The local folder the collected files are copied to when each target's run ends (a subfolder per target when there are several).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CollectTo { get; set; }

        private bool CarriesFiles => Attachment != null || Collect != null || CollectTo != null;

        protected override void BeginProcessing()
        {
            try
            {
                _command = RemoteCommand.Create(ScriptBlock!, ArgumentList, Depth, SessionState);
            }
            catch (OutpostException e)
            {
                ThrowFailure(e); // the same for every target: nothing can run
            }
            _command!.Lane = Lane;
            _command.TimeoutSec = TimeoutSec;
            _command.SigningKeyPath = SigningKey == null ? null : GetUnresolvedProviderPathFromPSPath(SigningKey);
            if (WaitTimeoutSec > 0) _command.WaitTimeout = TimeSpan.FromSeconds(WaitTimeoutSec);
            if (CarriesFiles) PrepareFiles();
            if (!AsJob) _fanOut = new RemoteFanOut(ThrottleLimit, CancelToken, OnFinished);
        }

        /// <summary>Checks and resolves the file parameters once, for every target: any problem stops the command before anything is sent.</summary>
        private void PrepareFiles()
        {
            if (Session != null) RefuseSession();
            if (Collect != null && CollectTo == null)
                ThrowTerminatingError(Error("CollectNeedsCollectTo", ErrorCategory.InvalidArgument,
                    "-Collect names files to bring back, but not where to: add -CollectTo <local folder>", Collect));
            if (CollectTo != null && Collect == null)
                ThrowTerminatingError(Error("CollectToNeedsCollect", ErrorCategory.InvalidArgument,
                    "-CollectTo says where to copy the job's files, but not which: add -Collect <patterns> (such as 'out/*')", CollectTo));
            var command = _command!;
            command.Attachments = ResolveFiles();
            command.Collect = Collect;
            try
            {
                if (CollectTo != null) command.CollectTo = FilePaths.Folder(this, CollectTo, "-CollectTo");
            }
            catch (OutpostException e)
            {
                ThrowFailure(e);
            }
            // One target named on the command line: its files go straight into -CollectTo. Several, or targets
            // from the pipeline (how many is not known yet): a subfolder each, named for the target.
            int named = MyInvocation.ExpectingInput ? int.MaxValue : System.Linq.Enumerable.Count(TargetAddresses.From(Target, Path));
            command.CollectPerTarget = named > 1;
        }

        /// <summary>A session's commands run inside its worker, which has no folder of its own to stage files in.</summary>
        private void RefuseSession() =>
            ThrowTerminatingError(Error("SessionCannotCarryFiles", ErrorCategory.InvalidOperation,
                "-Attachment, -Collect and -CollectTo cannot be used with -Session: a session's commands run in its worker, " +
                "which has no folder of its own for files; run the command with -Target (or -Path) instead", Session));

        protected override void ProcessRecord()
        {
            if (Session != null && CarriesFiles) RefuseSession();
            foreach (var destination in Destinations())
            {
                var invocation = destination.Begin(_command!);
                WriteVerbose($"running on {destination.Origin.ComputerName}");
                if (AsJob) _children.Add(new OutpostInvokeChildJob(MyInvocation.Line, invocation));
                else _fanOut!.Add(invocation);
            }
            if (!AsJob) Guard(() => _fanOut!.Drain(this, untilDone: false));
        }

        protected override void EndProcessing()
        {
            if (AsJob)
            {
                var job = new OutpostInvokeJob(MyInvocation.Line, _children, ThrottleLimit);
                JobRepository.Add(job);
                job.StartJob();
                WriteObject(job);
                return;
            }
            Guard(() => _fanOut!.Drain(this, untilDone: true));
        }

        protected override void StopProcessing()
        {
            base.StopProcessing();
            _fanOut?.CancelAll(); // Ctrl+C stops the remote side too, as with Invoke-Command
        }

        /// <summary>
        /// Every target named by -Target and -Path of this input; a name that cannot be resolved is an error
        /// for that name only. PSComputerName is the target's name: its registry name (or the -Target that
        /// labels a -Path), or for an unregistered -Path the full path (a registered path, as
        /// Get-OutpostTarget pipes it, gets its name).
        /// </summary>
        private IEnumerable<RemoteDestination> Destinations()
        {
            var found = new List<RemoteDestination>();
            void Add(string? name, string? path)
            {
                try
                {
                    var target = ResolveTarget(name, path);
                    found.Add(new TargetDestination(target, target.Name));
                }
                catch (OutpostException e) { WriteFailure(e); }
            }
            if (Session != null)
            {
                // A session is one more destination: its commands go to its lane, named for its worker.
                foreach (var session in Session)
                    if (SessionInvocation.Usable(session, this)) found.Add(new SessionDestination(session));
                return found;
            }
            foreach (var (name, path) in TargetAddresses.From(Target, Path)) Add(name, path);
            return found;
        }

        /// <summary>
        /// A remote throw is an error record of its target, as PowerShell remoting reports it (not the end
        /// of the command: -ErrorAction Stop makes it one), so the other targets go on and the record keeps
        /// its position inside the script block.
        /// </summary>
        private static void OnFinished(RemoteInvocation invocation, RemoteOutcome outcome, IRemoteStreams streams)
        {
            if (outcome.Terminating != null) streams.Error(outcome.Terminating);
        }

        private void Guard(Action drain)
        {
            try { drain(); }
            catch (OperationCanceledException) { _fanOut!.CancelAll(); }
            catch (PipelineStoppedException)
            {
                _fanOut!.CancelAll(); // e.g. Select-Object -First: nobody wants the rest
                throw;
            }
        }

        void IRemoteStreams.Output(object? value) => WriteObject(value);
        void IRemoteStreams.Error(ErrorRecord record) => WriteError(record);
        void IRemoteStreams.Warning(string message) => WriteWarning(message);
        void IRemoteStreams.Verbose(string message) => WriteVerbose(message);
        void IRemoteStreams.Debug(string message) => WriteDebug(message);
        void IRemoteStreams.Information(InformationRecord record) => WriteInformation(record);
        void IRemoteStreams.Progress(ProgressRecord record) => WriteProgress(record);
    }
}
