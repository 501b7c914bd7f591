export { type ToolAccessPointOptions, ToolFileSystem, type ToolFileSystemProps } from './tool-file-system.ts';
