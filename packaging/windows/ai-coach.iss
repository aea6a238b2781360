; Inno Setup script: installs the one-folder app with a Start-menu entry.
; packaging/build.py passes AppVersion, SourceDir, IconFile and OutputDir with /D.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6C7E3A52-3D1B-4C8B-9E0A-AC0AC4D35E11}
AppName=AI Coach
AppVersion={#AppVersion}
AppPublisher=AI Coach
DefaultDirName={autopf}\AI Coach
DefaultGroupName=AI Coach
OutputDir={#OutputDir}
OutputBaseFilename=AI-Coach-{#AppVersion}-windows-setup
SetupIconFile={#IconFile}
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\AI Coach"; Filename: "{app}\ai-coach.exe"
Name: "{group}\Uninstall AI Coach"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\ai-coach.exe"; Description: "Start AI Coach"; Flags: nowait postinstall skipifsilent
