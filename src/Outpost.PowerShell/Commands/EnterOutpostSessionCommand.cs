using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Outpost.Core;
using Outpost.Core.Sessions;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// An interactive prompt in a session, as Enter-PSSession gives: <c>[target]: PS path&gt;</c>, each
    /// line runs in the session on the target and its output is formatted here; <c>exit</c> leaves.
    /// It reads lines from the host, so input piped or redirected into PowerShell drives it too.
    /// </summary>
    [Cmdlet(VerbsCommon.Enter, "OutpostSession", DefaultParameterSetName = "Session")]
    [OutputType(typeof(void))]
    public sealed class EnterOutpostSessionCommand : OutpostCmdlet
    {
        private const string LocationTag = "OutpostSessionLocation";
        private const string ReportLocation = "\nWrite-Information -MessageData $PWD.Path -Tags '" + LocationTag + "'";

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Session", ValueFromPipeline = true)]
        public OutpostSession? Session { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Name")]
        public string? Name { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "Id")]
        public int Id { get; set; }

        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; }

        protected override void ProcessRecord()
        {
            var session = Session ?? SessionClient.All.FirstOrDefault(s => Name != null ? string.Equals(s.Name, Name, StringComparison.OrdinalIgnoreCase) : s.Id == Id);
            if (session == null)
            {
                WriteError(Error("OutpostSessionNotFound", ErrorCategory.ObjectNotFound, $"no Outpost session {(Name != null ? "named " + Name : "with id " + Id)}", (object?)Name ?? Id));
                return;
            }
            if (session.State != OutpostSessionState.Opened)
            {
                WriteError(SessionInvocation.NotUsable(session));
                return;
            }
            string location = Run(session, "") ?? "?";
            while (session.State == OutpostSessionState.Opened)
            {
                string? command;
                try { command = ReadCommand($"[{session.Target}]: PS {location}> "); }
                catch (Exception e) when (e is PSInvalidOperationException || e is System.Management.Automation.Host.HostException || e is NotImplementedException)
                {
                    ThrowTerminatingError(new ErrorRecord(e, "OutpostSessionNoPrompt", ErrorCategory.InvalidOperation, session)
                    {
                        ErrorDetails = new ErrorDetails("Enter-OutpostSession needs a host that can read lines (an interactive console, or input " +
                            "redirected into pwsh without -NonInteractive): " + e.Message),
                    });
                    return;
                }
                if (command == null || command.Trim().Equals("exit", StringComparison.OrdinalIgnoreCase)) break;
                if (command.Trim().Length == 0) continue;
                location = Run(session, command) ?? location;
            }
            if (session.State != OutpostSessionState.Opened) WriteError(SessionInvocation.NotUsable(session));
        }

        /// <summary>One command: a line, or several while the input is incomplete (a block left open), as the console reads them.</summary>
        private string? ReadCommand(string prompt)
        {
            Host.UI.Write(prompt);
            string? line = Host.UI.ReadLine();
            if (line == null) return null;
            string text = line;
            while (true)
            {
                Parser.ParseInput(text, out _, out ParseError[] errors);
                if (!errors.Any(e => e.IncompleteInput)) return text;
                Host.UI.Write(">> ");
                string? more = Host.UI.ReadLine();
                if (more == null || more.Length == 0) return text; // let the remote side report what is wrong
                text += "\n" + more;
            }
        }

        /// <summary>Runs a command in the session and shows what it produced; returns the session's location after it.</summary>
        private string? Run(OutpostSession session, string command)
        {
            ScriptBlock block;
            try { block = ScriptBlock.Create(command + ReportLocation); }
            catch (ParseException e)
            {
                ShowError(new ErrorRecord(e, "ParseError", ErrorCategory.ParserError, command));
                return null;
            }
            var screen = new ScreenStreams(this);
            try
            {
                var terminating = SessionInvocation.Run(session, block, null, 2, TimeoutSec, null, SessionState, screen, CancelToken);
                screen.Flush();
                if (terminating != null) ShowError(terminating);
            }
            catch (OutpostException e)
            {
                screen.Flush();
                ShowError(ToErrorRecord(e));
            }
            return screen.Location;
        }

        private void ShowError(ErrorRecord record)
        {
            foreach (string line in Format(new object[] { record })) Host.UI.WriteErrorLine(line);
        }

        private IEnumerable<string> Format(IList<object> items) =>
            InvokeCommand.InvokeScript("param($items) $items | Out-String -Stream", true, System.Management.Automation.Runspaces.PipelineResultTypes.Output,
                null, new object[] { items.ToArray() }).Select(o => o?.ToString() ?? "");

        /// <summary>Output is gathered and formatted per command (so a table has one header); records show as they come.</summary>
        private sealed class ScreenStreams : IRemoteStreams
        {
            private readonly EnterOutpostSessionCommand _owner;
            private readonly List<object> _output = new List<object>();

            public ScreenStreams(EnterOutpostSessionCommand owner) => _owner = owner;

            public string? Location { get; private set; }

            public void Flush()
            {
                if (_output.Count == 0) return;
                foreach (string line in _owner.Format(_output)) _owner.Host.UI.WriteLine(line);
                _output.Clear();
            }

            public void Output(object? value)
            {
                if (value == null) return; // as at a local prompt: $null shows nothing
                // At the prompt every object comes from the one session, so the target tags would only be noise.
                if (value is PSObject tagged)
                    foreach (string tag in new[] { "OutpostTarget", "PSComputerName", "PSShowComputerName" })
                        if (tagged.Properties[tag] is PSNoteProperty) tagged.Properties.Remove(tag);
                _output.Add(value);
            }

            public void Progress(ProgressRecord record) => _owner.WriteProgress(record);
            public void Text(string line) => _output.Add(line);

            public void Error(ErrorRecord record)
            {
                Flush();
                _owner.ShowError(record);
            }

            public void Warning(string message) => _owner.Host.UI.WriteWarningLine(message);
            public void Verbose(string message) => _owner.Host.UI.WriteVerboseLine(message);
            public void Debug(string message) => _owner.Host.UI.WriteDebugLine(message);

            public void Information(InformationRecord record)
            {
                if (record.Tags.Contains(LocationTag))
                {
                    Location = record.MessageData?.ToString();
                    return;
                }
                Flush();
                _owner.Host.UI.WriteLine(record.MessageData?.ToString() ?? "");
            }
        }
    }
}
