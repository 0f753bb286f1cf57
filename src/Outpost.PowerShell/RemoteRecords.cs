using System;
using System.Linq;
using System.Management.Automation;
using Outpost.Core.Remoting;

namespace Outpost.PowerShell
{
    /// <summary>Where decoded remote frames go: the cmdlet's streams, or a job's collections.</summary>
    internal interface IRemoteStreams
    {
        void Output(object value);
        void Error(ErrorRecord record);
        void Warning(string message);
        void Verbose(string message);
        void Debug(string message);
        void Information(InformationRecord record);
        void Text(string line);
    }

    /// <summary>Turns frames (CliXml made by the remote PowerShell) back into objects and records.</summary>
    internal static class RemoteRecords
    {
        /// <returns>The terminating error when the frame is one, else null.</returns>
        public static ErrorRecord? Play(RemoteFrame frame, string targetName, IRemoteStreams streams)
        {
            if (frame.Kind == RemoteFrameKind.Text)
            {
                streams.Text(frame.Payload);
                return null;
            }
            if (frame.Kind == RemoteFrameKind.Begin || frame.Kind == RemoteFrameKind.End) return null;
            object? value = PSSerializer.Deserialize(frame.Payload);
            switch (frame.Kind)
            {
                case RemoteFrameKind.Output:
                    var output = PSObject.AsPSObject(value ?? "");
                    if (output.Properties["OutpostTarget"] == null) output.Properties.Add(new PSNoteProperty("OutpostTarget", targetName));
                    streams.Output(output);
                    return null;
                case RemoteFrameKind.Error:
                    streams.Error(ToErrorRecord(value, targetName));
                    return null;
                case RemoteFrameKind.Terminating:
                    return ToErrorRecord(value, targetName);
                case RemoteFrameKind.Warning:
                    streams.Warning(Message(value));
                    return null;
                case RemoteFrameKind.Verbose:
                    streams.Verbose(Message(value));
                    return null;
                case RemoteFrameKind.Debug:
                    streams.Debug(Message(value));
                    return null;
                case RemoteFrameKind.Information:
                    var info = PSObject.AsPSObject(value);
                    var record = new InformationRecord(Unwrap(info.Properties["MessageData"]?.Value), (info.Properties["Source"]?.Value as string) ?? targetName);
                    if (info.Properties["Tags"]?.Value is PSObject tags && tags.BaseObject is System.Collections.IEnumerable list)
                        foreach (object tag in list) record.Tags.Add(tag.ToString());
                    streams.Information(record);
                    return null;
                default:
                    return null;
            }
        }

        /// <summary>A remote error as a local ErrorRecord: the remote message, category, error id and script position.</summary>
        public static ErrorRecord ToErrorRecord(object? value, string targetName)
        {
            var remote = PSObject.AsPSObject(value);
            var exception = remote.Properties["Exception"]?.Value as PSObject;
            string message = exception?.Properties["Message"]?.Value?.ToString() ?? remote.ToString();
            string id = remote.Properties["FullyQualifiedErrorId"]?.Value?.ToString() ?? "RemoteError";
            var category = ErrorCategory.NotSpecified;
            if (remote.Properties["CategoryInfo"]?.Value is PSObject info &&
                Enum.TryParse(info.Properties["Category"]?.Value?.ToString(), out ErrorCategory parsed))
                category = parsed;
            var invocation = remote.Properties["InvocationInfo"]?.Value as PSObject;
            var remoteException = new RemoteException(message);
            // The remote exception and where in the script it happened, for whoever looks closer.
            remoteException.Data["OutpostRemoteException"] = exception;
            remoteException.Data["OutpostRemoteInvocationInfo"] = invocation;
            var record = new ErrorRecord(remoteException, id, category, remote.Properties["TargetObject"]?.Value);
            string position = invocation?.Properties["PositionMessage"]?.Value?.ToString() ?? "";
            record.ErrorDetails = new ErrorDetails(message)
            {
                RecommendedAction = position.Length > 0 ? $"on {targetName}: {position}" : $"on {targetName}",
            };
            return record;
        }

        private static string Message(object? value) =>
            PSObject.AsPSObject(value).Properties["Message"]?.Value?.ToString() ?? value?.ToString() ?? "";

        private static object? Unwrap(object? value) => value is PSObject ps && ps.BaseObject is string s ? s : value;
    }
}
