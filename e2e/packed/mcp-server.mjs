// @headroom/mcp's README: the MCP server over stdio.
import { openHeadroomMcp, serveMcpStdio } from '@headroom/mcp';

await serveMcpStdio(openHeadroomMcp().createServer());
