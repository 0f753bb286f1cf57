using System;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Reflection;

namespace Outpost.PowerShell
{
    /// <summary>
    /// Puts the remote position of an error (a line and column inside the script block as the user wrote
    /// it) on the local ErrorRecord's InvocationInfo, as PowerShell remoting does. WriteError replaces an
    /// ErrorRecord's InvocationInfo with the cmdlet's own unless the record asks to keep it; remoting asks
    /// through ErrorRecord's internal PreserveInvocationInfoOnce, and there is no public way to, so it is set
    /// by reflection here. Should a PowerShell release rename it, errors still carry the remote position in
    /// Exception.Data["OutpostRemoteInvocationInfo"] and only the InvocationInfo points at the local call.
    /// </summary>
    internal static class RemotePosition
    {
        private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;
        private static readonly MethodInfo? SetInvocationInfo =
            typeof(ErrorRecord).GetMethod("SetInvocationInfo", Internal, null, new[] { typeof(InvocationInfo) }, null);
        private static readonly PropertyInfo? PreserveInvocationInfoOnce = typeof(ErrorRecord).GetProperty("PreserveInvocationInfoOnce", Internal);

        public static void Attach(ErrorRecord record, PSObject? remoteInvocation)
        {
            if (remoteInvocation == null || SetInvocationInfo == null || PreserveInvocationInfoOnce == null) return;
            int line = Int(remoteInvocation, "ScriptLineNumber");
            if (line < 1) return; // no position remotely either (Write-Error reports none, as over remoting)
            var extent = new RemoteExtent(
                Str(remoteInvocation, "ScriptName"),
                line,
                Math.Max(1, Int(remoteInvocation, "OffsetInLine")),
                Str(remoteInvocation, "Line").TrimEnd('\r', '\n'),
                Str(remoteInvocation, "Statement"));
            try
            {
                SetInvocationInfo.Invoke(record, new object[] { InvocationInfo.Create(null, extent) });
                PreserveInvocationInfoOnce.SetValue(record, true);
            }
            catch (TargetInvocationException) { } // keep the local position; the remote one stays in Exception.Data
        }

        private static string Str(PSObject o, string name) => o.Properties[name]?.Value?.ToString() ?? "";

        private static int Int(PSObject o, string name) =>
            int.TryParse(o.Properties[name]?.Value?.ToString(), out int value) ? value : 0;

        /// <summary>One position in the remote script text; enough for PositionMessage and the error views.</summary>
        private sealed class RemoteExtent : IScriptExtent
        {
            private readonly Position _start;
            private readonly Position _end;

            public RemoteExtent(string file, int line, int column, string lineText, string statement)
            {
                File = file;
                // The statement when it is on this line, else the rest of the line, is what gets underlined.
                int available = Math.Max(0, lineText.Length - (column - 1));
                string text = statement.Length > 0 && statement.IndexOf('\n') < 0 && statement.Length <= available
                    ? statement : available > 0 ? lineText.Substring(column - 1) : "";
                Text = text;
                _start = new Position(file, line, column, lineText);
                _end = new Position(file, line, column + text.Length, lineText);
            }

            public string File { get; }
            public IScriptPosition StartScriptPosition => _start;
            public IScriptPosition EndScriptPosition => _end;
            public int StartLineNumber => _start.LineNumber;
            public int StartColumnNumber => _start.ColumnNumber;
            public int EndLineNumber => _end.LineNumber;
            public int EndColumnNumber => _end.ColumnNumber;
            public string Text { get; }
            public int StartOffset => 0;
            public int EndOffset => Text.Length;
        }

        private sealed class Position : IScriptPosition
        {
            public Position(string file, int line, int column, string lineText)
            {
                File = file;
                LineNumber = line;
                ColumnNumber = column;
                Line = lineText;
            }

            public string File { get; }
            public int LineNumber { get; }
            public int ColumnNumber { get; }
            public string Line { get; }
            public int Offset => 0;
            public string GetFullScript() => Line;
        }
    }
}
